import { createIdGenerator, type UIMessage } from 'ai';
import type { StoredMessage } from '../db/owned';
import type { ChatMessage } from '../protocols/ui-stream';

/** The id of a new stored message. */
export const newMessageId = createIdGenerator({ prefix: 'msg', size: 16 });

/** A conversation ending with this message is answered next: a user message, or a reply that
 * ended with a client tool's result. */
export function awaitsReply(last: UIMessage | undefined): boolean {
  if (last?.role === 'user') return true;
  const part = last?.parts.at(-1) as { type: string; state?: string } | undefined;
  return part !== undefined && part.type.startsWith('tool-') && (part.state === 'output-available' || part.state === 'output-error');
}

/** Stored messages as `useChat` holds them, so a reloaded chat renders as it did live. */
export function toChatMessages(stored: StoredMessage[]): ChatMessage[] {
  return stored.map((message) => ({
    id: message.id,
    role: message.role,
    parts: message.parts as ChatMessage['parts'],
    metadata:
      message.role === 'assistant'
        ? {
            model: message.model ?? undefined,
            status: message.status,
            error: message.errorKind,
            usage: message.usage
              ? {
                  inputTokens: message.usage.inputTokens ?? undefined,
                  outputTokens: message.usage.outputTokens ?? undefined,
                  totalTokens: message.usage.totalTokens ?? undefined,
                }
              : undefined,
          }
        : undefined,
  }));
}
