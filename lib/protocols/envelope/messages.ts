import type { z } from 'zod';
import type { ChatTurn } from '../../chat/open-turn';
import type { ChatInput } from './input';

/** Pattern 4's turn: the message is the one thing the client adds; the server holds the history. */
export function chatTurn({ session_id, message, max_tokens, model }: z.output<typeof ChatInput>): ChatTurn {
  return { sessionId: session_id, input: { kind: 'message', text: message }, maxOutputTokens: max_tokens, model };
}
