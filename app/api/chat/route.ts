import { requireUser } from '@/lib/auth/guard';
import { openTurn } from '@/lib/chat/turns';
import { admitStream } from '@/lib/http/admission';
import { readInput } from '@/lib/http/input';
import { ChatInput } from '@/lib/http/schemas';
import { envelopeResponse } from '@/lib/http/stream-response';
import { textView } from '@/lib/protocols/envelope';
import { route } from '@/lib/http/route';

/**
 * The guide's pattern 4: `{session_id, message}`, answered in the SSE envelope. History comes
 * from the database; the turn is stored even if the client leaves before the end.
 */
async function post(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const input = await readInput(request, ChatInput);
  if (!input.ok) return input.response;
  const admitted = await admitStream(request, auth.user.id);
  if (!admitted.ok) return admitted.response;
  const { session_id, message, max_tokens } = input.data;
  const opened = await openTurn({ userId: auth.user.id,
    admitted, sessionId: session_id, input: { kind: 'message', text: message }, endpoint: 'chat', maxOutputTokens: max_tokens });
  if (!opened.ok) return opened.response;
  return envelopeResponse(opened.turn.run, textView, { headers: { 'x-session-id': session_id } });
}

export const POST = route(post);
