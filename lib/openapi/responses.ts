import 'zod-openapi';
import { z } from 'zod';
import { ResearchReport } from '../ai/report';
import { ERROR_STATUS, type ErrorCode } from '../errors';

// What the API answers, as zod schemas for the OpenAPI document (the requests' schemas are the
// routes' own: lib/http/schemas.ts and lib/protocols/*/input.ts). The API tests check every
// answer they receive against these, so a field added to an answer and not here fails them.

const Time = z.iso.datetime().meta({ description: 'An ISO 8601 time, UTC' });
const Count = z.number().int().min(0);

const Usage = z
  .object({ input_tokens: Count.nullable(), output_tokens: Count.nullable(), total_tokens: Count.nullable() })
  .meta({ id: 'Usage', description: 'Tokens spent; null for a count the provider did not report' });

// ---------------------------------------------------------------------------------------------
// Errors: one shape before a stream starts, `{error, detail, field?}`, with the codes of its status.

const STATUSES = [...new Set(Object.values(ERROR_STATUS))].sort();
type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/** The error codes answered with a status. */
export const codesOf = (status: ErrorStatus) => (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => ERROR_STATUS[code] === status);

const errorSchema = (status: ErrorStatus) =>
  z
    .object({
      error: z.enum(codesOf(status) as [ErrorCode, ...ErrorCode[]]).meta({ description: 'A stable code to act on' }),
      detail: z.string().meta({ description: 'A sentence for people' }),
      field: z.string().optional().meta({ description: 'The request field at fault (`invalid_parameter`)' }),
    })
    .meta({ id: `Error${status}` });

/** The error answer of each status the API uses. */
export const ERRORS = Object.fromEntries(STATUSES.map((status) => [status, errorSchema(status)])) as Record<
  ErrorStatus,
  ReturnType<typeof errorSchema>
>;

// ---------------------------------------------------------------------------------------------
// JSON answers.

export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

const Check = z.enum(['ok', 'unreachable']);
export const Readiness = z
  .object({
    status: z.enum(['ready', 'unavailable', 'draining', 'full']),
    checks: z.object({ database: Check, redis: Check.optional().meta({ description: 'When REDIS_URL is set' }) }).optional(),
  })
  .meta({ id: 'Readiness' });

export const SignedUp = z.object({ email: z.string(), detail: z.string() }).meta({ id: 'SignedUp' });

export const Me = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    sessionId: z.string().optional().meta({ description: 'The signed-in browser session (cookie requests)' }),
    usage: Usage.extend({ runs: Count }),
  })
  .meta({ id: 'Me' });

const ApiKeyFields = {
  id: z.string(),
  name: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the key, to tell keys apart' }),
  created_at: Time,
  last_used_at: Time.nullable(),
};
const ApiKey = z.object({ ...ApiKeyFields }).meta({ id: 'ApiKey' });
const RevokedApiKey = z.object({ ...ApiKeyFields, revoked_at: Time }).meta({ id: 'RevokedApiKey' });

export const ApiKeys = z.object({ keys: z.array(ApiKey), revoked: z.array(RevokedApiKey) }).meta({ id: 'ApiKeys' });
export const NewApiKeyAnswer = z
  .object({ ...ApiKeyFields, key: z.string().meta({ description: 'The full key: shown in this answer only' }) })
  .meta({ id: 'CreatedApiKey' });

const Model = z
  .object({
    id: z.string().meta({ description: 'What a request names as `model`', example: 'openai:gpt-4o-mini' }),
    provider: z.string(),
    tools: z.boolean().meta({ description: 'Whether it can call tools (chat and the events stream need them)' }),
    structured_output: z.boolean().meta({ description: 'Whether it can write reports' }),
    default: z.boolean(),
  })
  .meta({ id: 'Model' });
export const Models = z.object({ models: z.array(Model), default: z.string() }).meta({ id: 'Models' });

export const Session = z
  .object({
    id: z.string(),
    title: z.string(),
    model: z.string().nullable().meta({ description: 'The model the session remembers; null before its first turn' }),
    created_at: Time,
    updated_at: Time,
    match: z.string().optional().meta({ description: 'Search results only: the text around the first match' }),
  })
  .meta({ id: 'Session' });
export const SessionsPageAnswer = z.object({ sessions: z.array(Session), next_cursor: z.string().nullable() }).meta({ id: 'SessionsPage' });

const MessageStatus = z.enum(['streaming', 'complete', 'stopped', 'failed']);
const Message = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant']),
    parts: z.array(z.looseObject({ type: z.string() })).meta({ description: 'The message’s parts, as the AI SDK’s UI messages hold them' }),
    model: z.string().nullable(),
    usage: Usage.nullable(),
    status: MessageStatus,
    error: z.string().nullable().meta({ description: 'The failure code of a failed reply' }),
    created_at: Time,
  })
  .meta({ id: 'Message' });
export const SessionWithMessages = Session.extend({ messages: z.array(Message) }).meta({ id: 'SessionWithMessages' });

export const Stopped = z.object({ stopped: z.boolean().meta({ description: 'False when nothing was streaming' }) }).meta({ id: 'Stopped' });

const ReportStatus = z.enum(['streaming', 'complete', 'invalid', 'failed', 'stopped']);
const Issues = z.array(z.object({ path: z.string(), message: z.string() }));
const ReportSummary = z.object({ id: z.string(), topic: z.string(), status: ReportStatus, created_at: Time }).meta({ id: 'ReportSummary' });
export const Reports = z.object({ reports: z.array(ReportSummary) }).meta({ id: 'Reports' });

/**
 * A report as far as the model wrote it: the report's fields, any of them partly written. It is
 * the model's JSON so far, not yet checked: a model that strays from the schema sends what it
 * wrote, and the stream ends with `event: error` of kind `validation`.
 */
const PartialReport = z
  .looseObject({ title: z.string(), summary: z.string(), key_findings: z.array(z.string()), confidence_score: z.number() })
  .partial()
  .meta({ id: 'PartialResearchReport' });

export const Report = ReportSummary.extend({
  model: z.string().nullable().meta({ description: 'The model that wrote it; null for reports from before models were kept' }),
  report: PartialReport.nullable().meta({ description: 'The validated report, or the partial one' }),
  issues: Issues.nullable(),
  error: z.string().nullable(),
}).meta({ id: 'Report' });

const Tally = Usage.extend({ runs: Count });
const RunsByOutcome = z.object({ complete: Count, stopped: Count, failed: Count });
const Budget = z.object({ input_tokens: Count.nullable(), output_tokens: Count.nullable() }).meta({ description: 'null: no budget' });
export const UsageReport = z
  .object({
    since: z.iso.date(),
    days: z.array(Tally.extend({ date: z.iso.date(), models: z.array(Tally.extend({ model: z.string() })) })),
    today: z.object({ date: z.iso.date(), input_tokens: Count, output_tokens: Count, budget: Budget, resets_at: Time }),
    runs: RunsByOutcome,
  })
  .meta({ id: 'UsageReport' });

const ExportedContent = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['text', 'reasoning']), text: z.string() }),
  z.object({
    type: z.literal('tool_call'),
    id: z.string().nullable(),
    name: z.string(),
    state: z.enum(['pending', 'result', 'error']),
    input: z.unknown(),
    output: z.unknown(),
    error: z.string().nullable(),
  }),
]);
export const ChatExport = z
  .object({
    format: z.literal('streamwright.chat'),
    format_version: z.number().int(),
    exported_at: Time,
    session: z.object({ id: z.string(), title: z.string(), created_at: Time, updated_at: Time }),
    messages: z.array(
      z.object({
        id: z.string(),
        role: z.enum(['user', 'assistant']),
        created_at: Time,
        status: MessageStatus,
        error: z.string().nullable(),
        model: z.string().nullable(),
        usage: Usage.nullable(),
        content: z.array(ExportedContent),
      }),
    ),
  })
  .meta({ id: 'ChatExport' });
export const ReportExport = z
  .object({
    format: z.literal('streamwright.report'),
    format_version: z.number().int(),
    exported_at: Time,
    report: z.object({
      id: z.string(),
      topic: z.string(),
      created_at: Time,
      model: z.string().nullable(),
      status: ReportStatus,
      error: z.string().nullable(),
      issues: Issues.nullable(),
      content: z
        .object({
          title: z.string().nullable(),
          summary: z.string().nullable(),
          key_findings: z.array(z.string()).nullable(),
          confidence_score: z.number().nullable(),
        })
        .nullable(),
    }),
  })
  .meta({ id: 'ReportExport' });

/** next-auth's answers: its CSRF token, the session, its providers, or where to go next. */
export const NextAuthAnswer = z.looseObject({}).meta({ id: 'NextAuthAnswer', description: 'next-auth’s own JSON' });

// ---------------------------------------------------------------------------------------------
// Server-sent events: each event as `{event, data}`, `event` being the SSE event name ("message"
// for frames that name none) and `data` the JSON of its `data:` line.

const sseEvent = <T extends z.ZodType>(event: string, data: T, description: string) =>
  z.object({ event: z.literal(event), data }).meta({ description });

/** The envelope's `event: error` data: how the run failed. */
const Failure = z
  .object({
    error: z.enum(['budget_exceeded', 'model_error', 'model_rate_limited', 'validation', 'internal']),
    detail: z.string(),
    issues: Issues.optional().meta({ description: '`validation`: where the object broke the schema' }),
    retry_after: z.number().int().optional().meta({ description: '`model_rate_limited`: the seconds the provider asked to wait' }),
  })
  .meta({ id: 'Failure' });

const envelopeEnd = [
  sseEvent('error', Failure, 'The run failed; `done` follows'),
  sseEvent('done', z.object({}), 'Always the last event'),
] as const;

const TextDelta = z.object({ text: z.string() }).meta({ id: 'TextDelta' });
const usageEvent = sseEvent('usage', Usage, 'What the run spent, after the last text');

export const TextEvents = z
  .discriminatedUnion('event', [sseEvent('message', TextDelta, 'A piece of the answer'), ...envelopeEnd])
  .meta({ id: 'TextEvents' });

export const FullEvents = z
  .discriminatedUnion('event', [sseEvent('message', TextDelta, 'A piece of the answer'), usageEvent, ...envelopeEnd])
  .meta({ id: 'FullEvents' });

const RunEvent = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('part_start'), kind: z.enum(['text', 'thinking', 'tool-call']) }),
    z.object({ type: z.enum(['text_delta', 'thinking_delta']), delta: z.string() }),
    z.object({ type: z.literal('tool_call'), tool: z.string(), args: z.unknown() }),
    z.object({ type: z.literal('tool_result'), tool: z.string(), content: z.string().max(500), is_error: z.literal(true).optional() }),
  ])
  .meta({ id: 'RunEvent' });

export const RunEvents = z
  .discriminatedUnion('event', [
    sseEvent('message', RunEvent, 'A run event: a part starts, a delta, a tool call or its result'),
    usageEvent,
    sseEvent('result', z.object({ type: z.literal('final'), output: z.string() }), 'The final answer'),
    ...envelopeEnd,
  ])
  .meta({ id: 'RunEvents' });

export const ReportEvents = z
  .discriminatedUnion('event', [
    sseEvent('message', PartialReport, 'The report so far, as its fields fill in'),
    sseEvent('result', ResearchReport.meta({ id: 'ResearchReport' }), 'The validated report'),
    ...envelopeEnd,
  ])
  .meta({ id: 'ReportEvents' });

// AG-UI's events, as this server sends them (docs: https://docs.ag-ui.com/concepts/events).
const agUi = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) => z.looseObject({ type: z.literal(type), ...shape });
const messageId = z.string();
const AgUiEvent = z
  .discriminatedUnion('type', [
    agUi('RUN_STARTED', { threadId: z.string(), runId: z.string() }),
    agUi('RUN_FINISHED', { threadId: z.string(), runId: z.string() }),
    agUi('RUN_ERROR', { message: z.string(), code: z.string().optional() }),
    agUi('STATE_SNAPSHOT', { snapshot: z.unknown() }),
    agUi('STATE_DELTA', { delta: z.array(z.looseObject({ op: z.string(), path: z.string() })) }),
    agUi('TEXT_MESSAGE_START', { messageId, role: z.literal('assistant') }),
    agUi('TEXT_MESSAGE_CONTENT', { messageId, delta: z.string().min(1) }),
    agUi('TEXT_MESSAGE_END', { messageId }),
    agUi('REASONING_START', { messageId }),
    agUi('REASONING_MESSAGE_START', { messageId, role: z.literal('reasoning') }),
    agUi('REASONING_MESSAGE_CONTENT', { messageId, delta: z.string().min(1) }),
    agUi('REASONING_MESSAGE_END', { messageId }),
    agUi('REASONING_END', { messageId }),
    agUi('TOOL_CALL_START', { toolCallId: z.string(), toolCallName: z.string(), parentMessageId: z.string().optional() }),
    agUi('TOOL_CALL_ARGS', { toolCallId: z.string(), delta: z.string() }),
    agUi('TOOL_CALL_END', { toolCallId: z.string() }),
    agUi('TOOL_CALL_RESULT', { messageId, toolCallId: z.string(), content: z.string(), role: z.literal('tool') }),
  ])
  .meta({ id: 'AgUiEvent' });

export const AgUiEvents = z
  .object({ event: z.literal('message'), data: AgUiEvent })
  .meta({ id: 'AgUiEvents', description: 'One AG-UI event per frame' });

// The AI SDK's UI message stream chunks (https://ai-sdk.dev/docs/ai-sdk-ui/stream-protocol), then `[DONE]`.
const chunk = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) => z.looseObject({ type: z.literal(type), ...shape });
const id = z.string();
const toolCallId = z.string();
const UiMessageChunk = z
  .union([
    chunk('start', { messageId: z.string().optional() }),
    chunk('finish', {}),
    chunk('abort', {}),
    chunk('error', { errorText: z.string() }),
    chunk('start-step', {}),
    chunk('finish-step', {}),
    chunk('message-metadata', { messageMetadata: z.unknown() }),
    chunk('text-start', { id }),
    chunk('text-delta', { id, delta: z.string() }),
    chunk('text-end', { id }),
    chunk('reasoning-start', { id }),
    chunk('reasoning-delta', { id, delta: z.string() }),
    chunk('reasoning-end', { id }),
    chunk('tool-input-start', { toolCallId, toolName: z.string() }),
    chunk('tool-input-delta', { toolCallId, inputTextDelta: z.string() }),
    chunk('tool-input-available', { toolCallId, toolName: z.string(), input: z.unknown() }),
    chunk('tool-input-error', { toolCallId, toolName: z.string(), errorText: z.string() }),
    chunk('tool-output-available', { toolCallId, output: z.unknown() }),
    chunk('tool-output-error', { toolCallId, errorText: z.string() }),
    z.looseObject({ type: z.templateLiteral(['data-', z.string()]), data: z.unknown() }),
  ])
  .meta({ id: 'UiMessageChunk' });

export const UiMessageEvents = z
  .object({ event: z.literal('message'), data: z.union([UiMessageChunk, z.literal('[DONE]')]) })
  .meta({ id: 'UiMessageEvents', description: 'One UI message chunk per frame, then the text `[DONE]`' });
