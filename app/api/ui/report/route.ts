import { models } from '@/lib/ai/model';
import { ResearchReport } from '@/lib/ai/report';
import { forOwner } from '@/lib/db/owned';
import { log } from '@/lib/log';
import { ReportInput } from '@/lib/protocols/envelope/input';
import { toResponse } from '@/lib/protocols/envelope/response';
import { structuredView } from '@/lib/protocols/envelope/structured-view';
import { streamingRoute } from '@/lib/http/streaming-route';

/**
 * The report page's stream: the same frames as /api/stream/structured, and the report is kept
 * for the user (`x-report-id`) with how it ended, so it can be reopened.
 */
export const POST = streamingRoute({ endpoint: 'ui/report', input: ReportInput }, async ({ user, input, startRun, stop }) => {
  const reports = forOwner(user.id).reports;
  // The model is chosen here, not by the run, so the report remembers it from its first frame.
  const model = input.model ?? models().defaultId;
  const { id } = await reports.start(input.topic, model);
  const view = structuredView({
    schema: ResearchReport,
    debounceMs: input.debounce_ms,
    onSettled: (settled) =>
      void reports
        .finish(id, {
          status: settled.status,
          report: settled.object,
          issues: settled.status === 'invalid' ? settled.issues : undefined,
          failureCode: settled.status === 'failed' ? settled.failureCode : undefined,
        })
        .catch((error) => log.error('report_not_stored', { id, error })),
  });
  const run = startRun({ kind: 'report', model, prompt: input.topic, maxOutputTokens: input.max_tokens });
  return toResponse(run, { view, stop, headers: { 'x-report-id': id } });
});
