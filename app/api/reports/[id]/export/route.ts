import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { errorResponse } from '@/lib/http/errors';
import { exportResponse, reportExport, reportMarkdown } from '@/lib/http/export';
import { readInput } from '@/lib/http/input';
import { route } from '@/lib/http/route';
import { ExportQuery } from '@/lib/http/schemas';

/** A stored report as a file to download: `?format=markdown` (the default) or `json`. */
async function get(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser(request);
  const { format } = await readInput(request, ExportQuery);
  const report = await forOwner(user.id).reports.find((await params).id);
  if (!report) return errorResponse('not_found', 'No such report');
  const exported = reportExport(report, new Date());
  return exportResponse(format, { prefix: 'report', title: report.topic, json: exported, markdown: () => reportMarkdown(exported) });
}

export const GET = route(get);
