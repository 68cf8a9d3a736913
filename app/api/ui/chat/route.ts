import { openJournal } from '@/lib/chat/journal';
import { openTurn } from '@/lib/chat/open-turn';
import { UiChatInput } from '@/lib/protocols/ui-stream/input';
import { chatTurn } from '@/lib/protocols/ui-stream/messages';
import { toResponse } from '@/lib/protocols/ui-stream/response';
import { streamingRoute } from '@/lib/http/streaming-route';

/** The same chat for `useChat`, in the AI SDK UI message stream protocol, on the same store. */
export const POST = streamingRoute({ endpoint: 'ui/chat', input: UiChatInput }, async ({ user, input, admission }) => {
  const { replyId, run } = await openTurn(user.id, admission, chatTurn(input));
  return toResponse(run, {
    messageId: replyId,
    headers: { 'x-session-id': input.id },
    // Kept while it streams, so a page that lost its connection resumes it (GET …/[id]/stream).
    copyTo: openJournal(input.id),
  });
});
