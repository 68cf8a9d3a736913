import type { UIMessage } from 'ai';
import type { z } from 'zod';
import type { AgUiMessage, Content } from '../http/ag-ui-input';
import { errorResponse } from '../http/errors';
import { MAX_MESSAGE_CHARS } from '../http/schemas';
import type { Merge } from './turns';
import { newMessageId } from './ui-messages';

// An AG-UI client's thread joined to the stored one. The client sends its whole copy of the
// thread each time; the server's stored thread stays the record, and only what the client added
// since the last assistant message (a user message, the results of the client's own tools) joins
// it. A thread the server has never seen starts from the client's history.

/** The first user message's text, to title a new thread. */
export function threadTitle(messages: AgUiMessage[]): string {
  const first = messages.find((m) => m.role === 'user');
  return first?.role === 'user' ? textOf(first.content) : '';
}

type ToolPart = { type: string; toolCallId?: string; state?: string; output?: unknown; errorText?: string };

/**
 * What the client's messages add to the stored thread: new messages (with ids of the server's),
 * and stored replies whose client-tool calls now have results.
 */
export function threadUpdate(stored: UIMessage[], messages: AgUiMessage[]): Merge {
  const start = stored.length === 0 ? 0 : messages.findLastIndex((m) => m.role === 'assistant') + 1;
  const added: UIMessage[] = [];
  const updated = new Map<string, UIMessage>();
  let answerable = false;

  for (let index = start; index < messages.length; index++) {
    const message = messages[index]!;
    const field = `messages.${index}`;
    switch (message.role) {
      case 'user': {
        const text = textOf(message.content);
        if (!text.trim() || text.length > MAX_MESSAGE_CHARS) {
          return refuse(`${field}.content`, `must hold 1 to ${MAX_MESSAGE_CHARS} characters of text`);
        }
        added.push({ id: newMessageId(), role: 'user', parts: [{ type: 'text', text }] });
        answerable = true;
        break;
      }
      case 'assistant': {
        const parts: UIMessage['parts'] = message.content ? [{ type: 'text', text: message.content, state: 'done' }] : [];
        for (const call of message.toolCalls ?? []) {
          parts.push({ type: `tool-${call.function.name}`, toolCallId: call.id, state: 'input-available', input: parseJson(call.function.arguments) } as UIMessage['parts'][number]);
        }
        added.push({ id: newMessageId(), role: 'assistant', parts });
        answerable = false;
        break;
      }
      case 'tool': {
        const call = findCall(message.toolCallId, added, stored, updated);
        if (!call) {
          return refuse(`${field}.toolCallId`, 'no tool call with this id in the thread');
        }
        if (message.error) Object.assign(call, { state: 'output-error', errorText: message.error });
        else Object.assign(call, { state: 'output-available', output: parseJson(textOf(message.content)) });
        answerable = true;
        break;
      }
    }
  }
  if (!answerable) {
    return refuse('messages', 'must end with a new user message or tool result for the model to answer');
  }
  return { ok: true, added, updated: [...updated.values()] };
}

const refuse = (field: string, problem: string): Merge => ({
  ok: false,
  response: errorResponse('invalid_parameter', `${field}: ${problem}`, field),
});

/** The newest tool part with this call id; a stored one is copied into `updated` before it changes. */
function findCall(toolCallId: string, added: UIMessage[], stored: UIMessage[], updated: Map<string, UIMessage>): ToolPart | undefined {
  const inMessage = (message: UIMessage) =>
    (message.parts as ToolPart[]).findLast((part) => part.type.startsWith('tool-') && part.toolCallId === toolCallId);
  for (const message of added.toReversed()) {
    const part = inMessage(message);
    if (part) return part;
  }
  for (const original of stored.toReversed()) {
    if (!inMessage(original)) continue;
    const copy = updated.get(original.id) ?? structuredClone(original);
    updated.set(original.id, copy);
    return inMessage(copy);
  }
  return undefined;
}

function textOf(content: z.infer<typeof Content>): string {
  if (typeof content === 'string') return content;
  return content.flatMap((part) => (part.type === 'text' && part.text ? [part.text] : [])).join('\n');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
