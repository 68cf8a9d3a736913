import { requireUser } from '@/lib/auth/guard';
import { openTurn } from '@/lib/chat/turns';
import { admitStream } from '@/lib/http/admission';
import { readInput } from '@/lib/http/input';
import { threadTitle, threadUpdate } from '@/lib/chat/client-thread';
import { clientToolSet, RunAgentInput } from '@/lib/http/ag-ui-input';
import { agUiResponse } from '@/lib/protocols/ag-ui';
import { route } from '@/lib/http/route';

/**
 * AG-UI for CopilotKit and other AG-UI clients: a `RunAgentInput`, answered by the run's events.
 * The thread is a stored chat session, so it also shows in the chat pages.
 */
async function post(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const input = await readInput(request, RunAgentInput, { maxBytes: 1024 * 1024 });
  if (!input.ok) return input.response;
  const admitted = await admitStream(request, auth.user.id);
  if (!admitted.ok) return admitted.response;
  const { threadId, runId, protocolVersion, messages, tools, context, state, maxOutputTokens } = input.data;
  const opened = await openTurn({
    userId: auth.user.id,
    admitted,
    sessionId: threadId,
    input: { kind: 'merge', title: threadTitle(messages), merge: (stored) => threadUpdate(threadId, stored, messages) },
    endpoint: 'ag-ui',
    maxOutputTokens,
    clientTools: clientToolSet(tools),
    appData: { context, state },
  });
  if (!opened.ok) return opened.response;
  const { replyId, run } = opened.turn;
  return agUiResponse(run, { threadId, runId, protocolVersion, replyId, state }, { 'x-session-id': threadId });
}

export const POST = route(post);
