import type { LanguageModelUsage, UIMessage } from 'ai';
import type { z } from 'zod';
import type { ChatTurn } from '../../chat/open-turn';
import type { UiChatInput } from './input';

// `useChat`'s messages: what a request adds to the stored chat, and stored messages as the hook
// holds them.

/** What each reply carries besides its parts: which model answered and what it spent. */
interface ReplyMetadata {
  model?: string;
  createdAt?: number;
  usage?: Pick<LanguageModelUsage, 'inputTokens' | 'outputTokens' | 'totalTokens'>;
  /** For stored replies: streaming, complete, stopped or failed, and the failure code. */
  status?: string;
  error?: string | null;
}

export type ChatMessage = UIMessage<ReplyMetadata>;

/** The turn a `useChat` request asks for: a new or edited message, or the last answer again. */
export function chatTurn(input: z.output<typeof UiChatInput>): ChatTurn {
  return {
    sessionId: input.id,
    input:
      input.text === undefined
        ? { kind: 'regenerate' }
        : { kind: 'message', text: input.text, id: input.messageId, replaces: input.replaces },
    maxOutputTokens: input.max_tokens,
    model: input.model,
  };
}

/** A stored message, as much of it as the page shows. */
interface StoredChatMessage {
  id: string;
  role: 'user' | 'assistant';
  parts: unknown[];
  model?: string | null;
  status: string;
  failureCode?: string | null;
  usage?: { inputTokens: number | null; outputTokens: number | null; totalTokens: number | null } | null;
}

/** Stored messages as `useChat` holds them, so a reloaded chat renders as it did live. */
export function toChatMessages(stored: StoredChatMessage[]): ChatMessage[] {
  return stored.map((message) => ({
    id: message.id,
    role: message.role,
    parts: message.parts as ChatMessage['parts'],
    metadata:
      message.role === 'assistant'
        ? {
            model: message.model ?? undefined,
            status: message.status,
            error: message.failureCode,
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
