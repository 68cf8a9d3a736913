import { createIdGenerator } from 'ai';
import type { StoredMessage } from '../db/owned';
import type { ChatMessage } from '../protocols/ui-stream';

/** The id of a new stored message. */
export const newMessageId = createIdGenerator({ prefix: 'msg', size: 16 });

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
