import { openTurn } from '@/lib/chat/open-turn';
import { ChatInput } from '@/lib/protocols/envelope/input';
import { chatTurn } from '@/lib/protocols/envelope/messages';
import { toResponse } from '@/lib/protocols/envelope/response';
import { textView } from '@/lib/protocols/envelope/views';
import { streamingRoute } from '@/lib/http/streaming-route';

/**
 * The guide's pattern 4: `{session_id, message}`, answered in the SSE envelope. History comes
 * from the database; the turn is stored even if the client leaves before the end.
 */
export const POST = streamingRoute({ endpoint: 'chat', input: ChatInput }, async ({ user, input, admission }) => {
  const { run } = await openTurn(user.id, admission, chatTurn(input));
  return toResponse(run, { view: textView, headers: { 'x-session-id': input.session_id } });
});
