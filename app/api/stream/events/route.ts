import { requireUser } from '@/lib/auth/guard';
import { readInput } from '@/lib/http/input';
import { StreamInput } from '@/lib/http/schemas';
import { streamEnvelope } from '@/lib/http/stream-response';
import { eventsView } from '@/lib/protocols/envelope';

/** Pattern 3: every run event (parts, deltas, tool calls and results), then `event: result`. */
async function handle(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const input = await readInput(request, StreamInput);
  if (!input.ok) return input.response;
  const { q, max_tokens } = input.data;
  return streamEnvelope(request, auth.user, 'stream/events', { kind: 'answer', prompt: q, maxOutputTokens: max_tokens }, eventsView);
}

export { handle as GET, handle as POST };
