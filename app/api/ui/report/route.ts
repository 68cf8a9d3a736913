import { ResearchReport } from '@/lib/ai/report';
import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { admitStream } from '@/lib/http/admission';
import { readInput } from '@/lib/http/input';
import { ReportInput } from '@/lib/http/schemas';
import { streamEnvelope } from '@/lib/http/stream-response';
import { log } from '@/lib/log';
import { structuredView } from '@/lib/protocols/structured-view';
import { route } from '@/lib/http/route';

/**
 * The report page's stream: the same frames as /api/stream/structured, and the report is kept
 * for the user (`x-report-id`) with how it ended, so it can be reopened.
 */
async function post(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const input = await readInput(request, ReportInput);
  if (!input.ok) return input.response;
  const admitted = await admitStream(request, auth.user.id);
  if (!admitted.ok) return admitted.response;
  const { topic, max_tokens, debounce_ms } = input.data;
  const reports = forOwner(auth.user.id).reports;
  const { id } = await reports.start(topic).catch((error: unknown) => {
    admitted.release();
    throw error;
  });
  const view = structuredView({
    schema: ResearchReport,
    debounceMs: debounce_ms,
    onSettled: (settled) =>
      void reports
        .finish(id, {
          status: settled.status,
          report: settled.object,
          issues: settled.status === 'invalid' ? settled.issues : undefined,
          errorKind: settled.status === 'failed' ? settled.errorKind : undefined,
        })
        .catch((error) => log.error('report_not_stored', { id, error })),
  });
  return streamEnvelope(request, auth.user, admitted, 'ui/report', { kind: 'report', prompt: topic, maxOutputTokens: max_tokens }, view, {
    'x-report-id': id,
  });
}

export const POST = route(post);
