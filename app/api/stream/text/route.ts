import { StreamInput } from '@/lib/protocols/envelope/input';
import { toResponse } from '@/lib/protocols/envelope/response';
import { textView } from '@/lib/protocols/envelope/views';
import { streamingRoute } from '@/lib/http/streaming-route';

/** Pattern 1: `data: {"text": delta}` frames, then `event: done`. */
const handle = streamingRoute({ endpoint: 'stream/text', input: StreamInput }, async ({ input, startRun, stop }) =>
  toResponse(startRun({ kind: 'answer', model: input.model, prompt: input.q, maxOutputTokens: input.max_tokens }), {
    view: textView,
    stop,
  }),
);

export { handle as GET, handle as POST };
