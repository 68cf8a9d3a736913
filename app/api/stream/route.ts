import { requireUser } from '@/lib/auth/guard';
import { readInput } from '@/lib/http/input';
import { StreamInput } from '@/lib/http/schemas';
import { streamEnvelope } from '@/lib/http/stream-response';
import { fullView } from '@/lib/protocols/envelope';

/** The guide's full application: text frames, `event: usage`, errors in the stream. */
async function handle(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const input = await readInput(request, StreamInput);
  if (!input.ok) return input.response;
  const { q, max_tokens } = input.data;
  return streamEnvelope(request, auth.user, 'stream', { kind: 'answer', prompt: q, maxOutputTokens: max_tokens }, fullView);
}

export { handle as GET, handle as POST };
