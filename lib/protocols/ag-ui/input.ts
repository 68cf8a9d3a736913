import { jsonSchema, tool, type ToolSet, type UIMessage } from 'ai';
import { z } from 'zod';
import { tools as serverTools } from '../../ai/tools';
import type { Merge } from '../../chat/turns';
import { newMessageId } from '../../chat/ui-messages';
import { errorResponse } from '../../http/errors';
import { MAX_MESSAGE_CHARS, SessionId, StreamInput } from '../../http/schemas';

// AG-UI's request, `RunAgentInput`, and what the run takes from it. The client sends its whole
// copy of the thread each time; the server's stored thread stays the record, and only what the
// client added since the last assistant message (a user message, the results of the client's own
// tools) joins it. A thread the server has never seen starts from the client's history.

const Id = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const Content = z.union([z.string(), z.array(ContentPart)], { error: 'must be a string or a list of content parts' });

const ToolCall = z.object({
  id: Id,
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const Message = z.discriminatedUnion(
  'role',
  [
    z.object({ id: Id, role: z.literal('user'), content: Content }),
    z.object({ id: Id, role: z.literal('assistant'), content: z.string().nullish(), toolCalls: z.array(ToolCall).nullish() }),
    z.object({ id: Id, role: z.literal('tool'), toolCallId: Id, content: Content, error: z.string().nullish() }),
    // The server keeps its own instructions, and reasoning and activity are not replayed to the model.
    z.looseObject({ id: Id, role: z.literal('system') }),
    z.looseObject({ id: Id, role: z.literal('developer') }),
    z.looseObject({ id: Id, role: z.literal('reasoning') }),
    z.looseObject({ id: Id, role: z.literal('activity') }),
  ],
  { error: 'must have a role: user, assistant, tool, system, developer, reasoning or activity' },
);

export type AgUiMessage = z.infer<typeof Message>;

const ClientTool = z.object({
  name: z
    .string({ error: 'required' })
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -')
    .refine((name) => !(name in serverTools), 'is the name of one of the server’s own tools'),
  description: z.string().max(4000, 'must be at most 4000 characters').default(''),
  parameters: z.record(z.string(), z.unknown(), { error: 'must be a JSON schema object' }).optional(),
});

const ContextItem = z.object({ description: z.string(), value: z.string() });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const RunAgentInput = z
  .object({
    threadId: SessionId,
    runId: Id,
    messages: z.array(Message, { error: 'required: the thread’s messages' }).max(2000, 'must hold at most 2000 messages'),
    tools: z.array(ClientTool).max(100, 'must hold at most 100 tools').default([]),
    context: z.array(ContextItem).max(100, 'must hold at most 100 items').default([]),
    state: z.unknown().optional(),
    forwardedProps: z.unknown().optional(),
    protocolVersion: z.string().optional(),
  })
  .transform((input, ctx) => {
    // `forwardedProps` is the application's own channel; the budget is the one thing read from it.
    const budget = StreamInput.shape.max_tokens.safeParse(
      isObject(input.forwardedProps) ? input.forwardedProps.max_tokens : undefined,
    );
    if (!budget.success) {
      ctx.addIssue({ code: 'custom', path: ['forwardedProps', 'max_tokens'], message: budget.error.issues[0]?.message ?? 'invalid' });
      return z.NEVER;
    }
    return { ...input, state: input.state ?? {}, maxOutputTokens: budget.data };
  });

export type RunAgentInput = z.output<typeof RunAgentInput>;

/** The client's tools, offered to the model with the client's schemas and no `execute`. */
export function clientToolSet(clientTools: RunAgentInput['tools']): ToolSet {
  return Object.fromEntries(
    clientTools.map((t) => [
      t.name,
      tool({ description: t.description, inputSchema: jsonSchema(t.parameters ?? { type: 'object', properties: {} }) }),
    ]),
  );
}

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
