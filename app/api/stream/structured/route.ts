import { ResearchReport } from '@/lib/ai/report';
import { StructuredInput } from '@/lib/protocols/envelope/input';
import { toResponse } from '@/lib/protocols/envelope/response';
import { structuredView } from '@/lib/protocols/envelope/structured-view';
import { streamingRoute } from '@/lib/http/streaming-route';

/** Pattern 2: the research report as it fills in, then the validated report. */
const handle = streamingRoute({ endpoint: 'stream/structured', input: StructuredInput }, async ({ input, startRun, stop }) => {
  const run = startRun({ kind: 'report', model: input.model, prompt: input.q, maxOutputTokens: input.max_tokens });
  return toResponse(run, { view: structuredView({ schema: ResearchReport, debounceMs: input.debounce_ms }), stop });
});

export { handle as GET, handle as POST };
