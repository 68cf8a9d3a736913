import { StreamInput } from '@/lib/protocols/envelope/input';
import { toResponse } from '@/lib/protocols/envelope/response';
import { fullView } from '@/lib/protocols/envelope/views';
import { streamingRoute } from '@/lib/http/streaming-route';

/** The guide's full application: text frames, `event: usage`, errors in the stream. */
const handle = streamingRoute({ endpoint: 'stream', input: StreamInput }, async ({ input, startRun, stop }) =>
  toResponse(startRun({ kind: 'answer', model: input.model, prompt: input.q, maxOutputTokens: input.max_tokens }), {
    view: fullView,
    stop,
  }),
);

export { handle as GET, handle as POST };
