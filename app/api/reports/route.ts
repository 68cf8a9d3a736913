import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { presentReport } from '@/lib/http/present';
import { route } from '@/lib/http/route';

/** The user's last 50 reports, newest first. */
async function get(request: Request) {
  const user = await requireUser(request);
  const reports = await forOwner(user.id).reports.list(50);
  return Response.json({ reports: reports.map(presentReport) });
}

export const GET = route(get);
