import { requireUser } from '@/lib/auth/guard';
import { route } from '@/lib/http/route';
import { usageReport } from '@/lib/http/usage-report';

/** The caller's tokens per day and model over the last 30 days, today's against the daily budgets, and runs by outcome. */
async function get(request: Request) {
  const user = await requireUser(request);
  return Response.json(await usageReport(user.id));
}

export const GET = route(get);
