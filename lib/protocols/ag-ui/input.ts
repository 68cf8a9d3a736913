import { jsonSchema, tool, type ToolSet } from 'ai';
import { z } from 'zod';
import { tools as serverTools } from '../../ai/tools';
import { isPlainObject } from '../../errors';
import { maxTokens, model, SessionId } from '../fields';

// AG-UI's request, `RunAgentInput`: what the route checks before any event. Unknown members are
// dropped, as the protocol asks; the client's tools become tools the model may call.

const Id = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

const MAX_CONTENT = 100_000;
const ContentPart = z.looseObject({ type: z.string(), text: z.string().max(MAX_CONTENT).optional() });
export const Content = z.union([z.string().max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`), z.array(ContentPart).max(100)], {
  error: 'must be a string or a list of content parts',
});

/** A tool name the model provider accepts. */
const ToolName = z.string({ error: 'required' }).regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -');

const ToolCall = z.object({
  id: Id,
  function: z.object({ name: ToolName, arguments: z.string().max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`) }),
});

/** JSON no larger than `max` characters. */
const smallJson = (max: number) => (value: unknown) => value === undefined || (JSON.stringify(value)?.length ?? 0) <= max;

const Message = z.discriminatedUnion(
  'role',
  [
    z.object({ id: Id, role: z.literal('user'), content: Content }),
    z.object({
      id: Id,
      role: z.literal('assistant'),
      content: z.string().max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`).nullish(),
      toolCalls: z.array(ToolCall).max(100).nullish(),
    }),
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
  name: ToolName.refine((name) => !Object.hasOwn(serverTools, name), 'is the name of one of the server’s own tools'),
  description: z.string().max(4000, 'must be at most 4000 characters').default(''),
  parameters: z
    .record(z.string(), z.unknown(), { error: 'must be a JSON schema object' })
    .refine(smallJson(16_384), 'must be at most 16 KiB of JSON')
    .optional(),
});

const ContextItem = z.object({
  description: z.string().max(500, 'must be at most 500 characters'),
  value: z.string().max(10_000, 'must be at most 10000 characters'),
});

const answerModel = model('answer');

export const RunAgentInput = z
  .object({
    threadId: SessionId,
    runId: Id,
    messages: z.array(Message, { error: 'required: the thread’s messages' }).max(2000, 'must hold at most 2000 messages'),
    tools: z
      .array(ClientTool)
      .max(100, 'must hold at most 100 tools')
      .refine((tools) => new Set(tools.map((t) => t.name)).size === tools.length, 'must not name a tool twice')
      .default([]),
    context: z.array(ContextItem).max(50, 'must hold at most 50 items').default([]),
    state: z.unknown().refine(smallJson(65_536), 'must be at most 64 KiB of JSON').optional(),
    forwardedProps: z.unknown().optional(),
    protocolVersion: z.string().optional(),
  })
  .transform((input, ctx) => {
    // `forwardedProps` is the application's own channel; the budget and the model are the things read from it.
    const forwarded = isPlainObject(input.forwardedProps) ? input.forwardedProps : {};
    const budget = maxTokens.safeParse(forwarded.max_tokens);
    if (!budget.success) {
      ctx.addIssue({ code: 'custom', path: ['forwardedProps', 'max_tokens'], message: budget.error.issues[0]?.message ?? 'invalid' });
      return z.NEVER;
    }
    const chosen = answerModel.safeParse(forwarded.model);
    if (!chosen.success) {
      ctx.addIssue({ code: 'custom', path: ['forwardedProps', 'model'], message: chosen.error.issues[0]?.message ?? 'invalid' });
      return z.NEVER;
    }
    return { ...input, state: input.state ?? {}, maxOutputTokens: budget.data, model: chosen.data };
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
