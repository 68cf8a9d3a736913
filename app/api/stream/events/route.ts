import { StreamInput } from '@/lib/protocols/envelope/input';
import { toResponse } from '@/lib/protocols/envelope/response';
import { eventsView } from '@/lib/protocols/envelope/views';
import { streamingRoute } from '@/lib/http/streaming-route';

/** Pattern 3: every run event (parts, deltas, tool calls and results), then `event: result`. */
const handle = streamingRoute({ endpoint: 'stream/events', input: StreamInput }, async ({ input, startRun, stop }) =>
  toResponse(startRun({ kind: 'answer', model: input.model, prompt: input.q, maxOutputTokens: input.max_tokens }), {
    view: eventsView,
    stop,
  }),
);

export { handle as GET, handle as POST };
