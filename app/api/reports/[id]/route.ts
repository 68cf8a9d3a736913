import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { errorResponse } from '@/lib/http/errors';
import { presentReport } from '@/lib/http/present';
import { route } from '@/lib/http/route';

/** One report as it ended: the validated object, or the partial one with its issues or error. */
async function get(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser(request);
  const report = await forOwner(user.id).reports.find((await params).id);
  return report ? Response.json(presentReport(report)) : errorResponse('not_found', 'No such report');
}

export const GET = route(get);
