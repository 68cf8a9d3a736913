import { openTurn } from '@/lib/chat/open-turn';
import { RunAgentInput } from '@/lib/protocols/ag-ui/input';
import { chatTurn } from '@/lib/protocols/ag-ui/messages';
import { toResponse } from '@/lib/protocols/ag-ui/response';
import { streamingRoute } from '@/lib/http/streaming-route';

/**
 * AG-UI for CopilotKit and other AG-UI clients: a `RunAgentInput`, answered by the run's events.
 * The thread is a stored chat session, so it also shows in the chat pages.
 */
export const POST = streamingRoute(
  { endpoint: 'ag-ui', input: RunAgentInput, maxBytes: 1024 * 1024 },
  async ({ user, input, admission }) => {
    const { replyId, run } = await openTurn(user.id, admission, chatTurn(input));
    const { threadId, runId, protocolVersion, state } = input;
    return toResponse(run, { threadId, runId, protocolVersion, replyId, state, headers: { 'x-session-id': threadId } });
  },
);
