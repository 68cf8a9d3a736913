import { requireUser } from '@/lib/auth/guard';
import { openJournal } from '@/lib/chat/journal';
import { openTurn } from '@/lib/chat/turns';
import { admitStream } from '@/lib/http/admission';
import { readInput } from '@/lib/http/input';
import { UiChatInput } from '@/lib/http/schemas';
import { uiMessageStreamResponse } from '@/lib/protocols/ui-stream';
import { route } from '@/lib/http/route';

/** The same chat for `useChat`, in the AI SDK UI message stream protocol, on the same store. */
async function post(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const input = await readInput(request, UiChatInput);
  if (!input.ok) return input.response;
  const admitted = await admitStream(request, auth.user.id);
  if (!admitted.ok) return admitted.response;
  const { id, max_tokens } = input.data;
  const opened = await openTurn({
    userId: auth.user.id,
    admitted,
    sessionId: id,
    input:
      input.data.text === undefined
        ? { kind: 'regenerate' }
        : { kind: 'message', text: input.data.text, id: input.data.messageId, replaces: input.data.replaces },
    endpoint: 'ui/chat',
    maxOutputTokens: max_tokens,
  });
  if (!opened.ok) return opened.response;
  return uiMessageStreamResponse(opened.turn.run, {
    messageId: opened.turn.replyId,
    headers: { 'x-session-id': id },
    // Kept while it streams, so a page that lost its connection resumes it (GET …/[id]/stream).
    copyTo: openJournal(id),
  });
}

export const POST = route(post);
