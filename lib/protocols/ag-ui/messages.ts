import { createHash } from 'node:crypto';
import type { UIMessage } from 'ai';
import type { z } from 'zod';
import { tools as serverTools } from '../../ai/tools';
import type { ChatTurn, Merge } from '../../chat/open-turn';
import { awaitsReply } from '../../chat/awaits-reply';
import { newMessageId } from '../../ids';
import { AppError } from '../../errors';
import { MAX_MESSAGE_CHARS } from '../fields';
import { clientToolSet, type AgUiMessage, type Content, type RunAgentInput } from './input';

// An AG-UI client's thread joined to the stored one. The client sends its whole copy of the
// thread each time; the server's stored thread stays the record, and only what the client added
// since the last assistant message (a user message, the results of the client's own tools) joins
// it. A thread the server has never seen starts from the client's history.

/**
 * An AG-UI run as a chat turn: the thread is the session, the client's messages are merged into
 * the stored thread, and its tools and shared data go to the model with this run only.
 */
export function chatTurn({ threadId, messages, tools, context, state, maxOutputTokens, model }: RunAgentInput): ChatTurn {
  return {
    sessionId: threadId,
    input: { kind: 'merge', title: threadTitle(messages), merge: (stored) => threadUpdate(threadId, stored, messages) },
    maxOutputTokens,
    model,
    clientTools: clientToolSet(tools),
    appData: { context, state },
  };
}

/** The first user message's text, to title a new thread. */
function threadTitle(messages: AgUiMessage[]): string {
  const first = messages.find((m) => m.role === 'user');
  return first?.role === 'user' ? textOf(first.content) : '';
}

type ToolPart = { type: string; toolCallId?: string; state?: string; output?: unknown; errorText?: string };

/**
 * What the client's messages add to the stored thread: user messages not stored yet (known by
 * an id derived from the thread and the client's id), results of client tool calls still waiting
 * for one, and, for a thread new to the server, the client's whole history. The conversation
 * must then await a reply; anything else is refused (`invalid_parameter`).
 */
export function threadUpdate(threadId: string, stored: UIMessage[], messages: AgUiMessage[]): Merge {
  const fresh = stored.length === 0;
  const known = new Set(stored.map((message) => message.id));
  const added: UIMessage[] = [];
  const updated = new Map<string, UIMessage>();

  for (const [index, message] of messages.entries()) {
    const field = `messages.${index}`;
    switch (message.role) {
      case 'user': {
        const id = storedUserId(threadId, message.id);
        if (known.has(id)) break;
        const text = textOf(message.content);
        if (!text.trim() || text.length > MAX_MESSAGE_CHARS) {
          return refuse(`${field}.content`, `must hold 1 to ${MAX_MESSAGE_CHARS} characters of text`);
        }
        known.add(id);
        added.push({ id, role: 'user', parts: [{ type: 'text', text }] });
        break;
      }
      case 'assistant': {
        if (!fresh) break; // the stored replies are the record
        const parts: UIMessage['parts'] = message.content ? [{ type: 'text', text: message.content, state: 'done' }] : [];
        for (const call of message.toolCalls ?? []) {
          parts.push({
            type: `tool-${call.function.name}`,
            toolCallId: call.id,
            state: 'input-available',
            input: parseJson(call.function.arguments),
          } as UIMessage['parts'][number]);
        }
        added.push({ id: newMessageId(), role: 'assistant', parts });
        break;
      }
      case 'tool': {
        const call = findCall(message.toolCallId, added, stored, updated);
        if (!call) return refuse(`${field}.toolCallId`, 'no tool call with this id in the thread');
        // Only a call to a client tool that still waits takes a result: answered calls, and the
        // server's own tools, keep theirs.
        if (call.state !== 'input-available' || Object.hasOwn(serverTools, call.type.slice('tool-'.length))) break;
        if (message.error) Object.assign(call, { state: 'output-error', errorText: message.error });
        else Object.assign(call, { state: 'output-available', output: parseJson(textOf(message.content)) });
        break;
      }
    }
  }
  const conversation = [...stored.map((message) => updated.get(message.id) ?? message), ...added];
  if (!awaitsReply(conversation.at(-1))) {
    return refuse('messages', 'nothing new to answer: end with a new user message or a client tool’s result');
  }
  return { added, updated: [...updated.values()] };
}

/** The stored id of a client's user message: the same client id in the same thread is one message. */
function storedUserId(threadId: string, clientId: string): string {
  return `msg-${createHash('sha256').update(`${threadId}\0${clientId}`).digest('base64url').slice(0, 22)}`;
}

const refuse = (field: string, problem: string): never => {
  throw new AppError('invalid_parameter', `${field}: ${problem}`, { field });
};

/** The newest tool part with this call id; a stored one is copied into `updated`, to change. */
function findCall(toolCallId: string, added: UIMessage[], stored: UIMessage[], updated: Map<string, UIMessage>): ToolPart | undefined {
  const inMessage = (message: UIMessage) =>
    (message.parts as ToolPart[]).findLast((part) => part.type.startsWith('tool-') && part.toolCallId === toolCallId);
  for (const message of added.toReversed()) {
    const part = inMessage(message);
    if (part) return part;
  }
  for (const original of stored.toReversed()) {
    const part = inMessage(original);
    if (!part) continue;
    if (part.state !== 'input-available') return part; // answered: read, never changed
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
