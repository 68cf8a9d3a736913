import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { z } from 'zod';
import { AccountDeletion, ExportQuery, NewApiKey, PasswordChange, SessionPatch, SessionsPage, SignUp } from '../http/schemas';
import type { API_ROUTE_FOLDERS } from '../ops/api-routes';
import { RunAgentInput } from '../protocols/ag-ui/input';
import { ChatInput, ReportInput, StreamInput, StructuredInput } from '../protocols/envelope/input';
import { UiChatInput } from '../protocols/ui-stream/input';
import { processSingleton } from '../singleton';
import * as answers from './responses';

// The OpenAPI 3.1 description of every /api route (GET /api/openapi.json, the /docs page). The
// requests are described by the very schemas the routes check them with; the answers by
// ./responses.ts. `API` is keyed by the route folders under app/api, so a route without a
// description does not compile, and tests/api/openapi.test.ts checks every method too.

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type RouteFolder = (typeof API_ROUTE_FOLDERS)[number];
type ErrorStatus = keyof typeof answers.ERRORS;

interface Operation extends Omit<ZodOpenApiOperationObject, 'responses'> {
  /** The answers a request may get, besides the refusals. */
  responses: ZodOpenApiResponsesObject;
  /** The statuses it may be refused with (403, 500 and 503 apply to every route). */
  refusals?: ErrorStatus[];
  /** A route anyone may call, without a key or a session. */
  open?: boolean;
}

const json = (schema: z.ZodType, description: string, headers?: Headers) => ({
  description,
  ...(headers ? { headers: z.object(headers) } : {}),
  content: { 'application/json': { schema } },
});
const empty = (description: string) => ({ description });
const jsonBody = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema } } });

type Headers = Record<string, z.ZodType>;
const header = (description: string) => z.string().meta({ description });
const MODEL_HEADER: Headers = { 'x-streamwright-model': header('The model that answers') };
const SESSION_HEADERS: Headers = { ...MODEL_HEADER, 'x-session-id': header('The chat session') };

/**
 * A stream of server-sent events; `schema` describes one event as `{event, data}`. A run's stream
 * names its model (`x-streamwright-model`); a resumed reply's does not.
 */
const sse = (schema: z.ZodType, description: string, headers: Headers = MODEL_HEADER) => ({
  description: `${description}. Server-sent events: each frame is an optional \`event:\` line (its name; "message" when it has none) and one \`data:\` line of JSON; the schema describes one event as \`{event, data}\`. Comment lines keep the connection alive.`,
  headers: z.object(headers),
  content: { 'text/event-stream': { schema } },
});

const BODY_REFUSALS: ErrorStatus[] = [400, 401, 413, 415];
const STREAM_REFUSALS: ErrorStatus[] = [400, 401, 413, 415, 429];
/** A chat turn also names a session: another user's is 404, one already answering 409. */
const CHAT_REFUSALS: ErrorStatus[] = [...STREAM_REFUSALS, 404, 409];
const idParam = (what: string) => z.object({ id: z.string().meta({ description: `The ${what}'s id` }) });

/** A guide endpoint: the same fields as a GET query or a POST JSON body, answered as SSE. */
function guide(summary: string, description: string, input: z.ZodObject, events: z.ZodType, eventsDescription: string) {
  const responses = { 200: sse(events, eventsDescription) };
  return {
    get: { summary, description, tags: ['Streams'], requestParams: { query: input }, responses, refusals: [400, 401, 429] },
    post: {
      summary: `${summary} (POST)`,
      description,
      tags: ['Streams'],
      requestBody: jsonBody(input),
      responses,
      refusals: STREAM_REFUSALS,
    },
  } satisfies Partial<Record<Method, Operation>>;
}

/** A stored chat or report as a file to download: `?format=markdown` (the default) or `json`. */
function exportOperation(o: { summary: string; description?: string; tag: string; what: string; answer: string; schema: z.ZodType }) {
  return {
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    tags: [o.tag],
    requestParams: { path: idParam(o.what), query: ExportQuery },
    responses: {
      200: { description: o.answer, content: { 'text/markdown': { schema: z.string() }, 'application/json': { schema: o.schema } } },
    },
    refusals: [400, 401, 404],
  } satisfies Operation;
}

const NEXT_AUTH = {
  summary: 'next-auth',
  description:
    'next-auth’s own routes: `csrf`, `session`, `providers`, `signin`, `callback/credentials` (sign in with `email`, `password` and `csrfToken`, form-encoded) and `signout`. Its answers are its own: JSON, its HTML pages, redirects.',
  tags: ['Account'],
  open: true,
  requestParams: {
    path: z.object({
      nextauth: z.string().meta({ description: 'next-auth’s action, such as `session` or `callback/credentials` (slashes included)' }),
    }),
  },
  responses: {
    200: {
      description: 'next-auth’s answer',
      content: { 'application/json': { schema: answers.NextAuthAnswer }, 'text/html': { schema: z.string() } },
    },
    302: empty('Where to go next (sign-in forms)'),
    400: {
      description: 'Refused: the input, or an action next-auth does not know (plain text)',
      content: { 'application/json': { schema: answers.ERRORS[400] }, 'text/plain': { schema: z.string() } },
    },
    401: json(answers.NextAuthAnswer, 'A sign-in refused: `{url}` (with `json=true`), or an error'),
    403: json(answers.NextAuthAnswer, 'Refused: `{url}` from next-auth, or an error'),
  },
  refusals: [404, 405, 413, 429],
} satisfies Operation;

const notFound = (method: string) =>
  ({
    summary: `Any other path (${method})`,
    description: 'Paths under /api that name no route answer 404 in JSON.',
    tags: ['Service'],
    open: true,
    requestParams: { path: z.object({ path: z.string().meta({ description: 'Any path under /api, at any depth' }) }) },
    responses: {},
    refusals: [404],
  }) satisfies Operation;

const API: Record<RouteFolder, Partial<Record<Method, Operation>>> = {
  '[[...path]]': {
    get: notFound('GET'),
    post: notFound('POST'),
    put: notFound('PUT'),
    patch: notFound('PATCH'),
    delete: notFound('DELETE'),
  },
  health: { get: { summary: 'Liveness', tags: ['Service'], open: true, responses: { 200: json(answers.Health, 'Up and serving') } } },
  ready: {
    get: {
      summary: 'Readiness',
      description: '503 while the server shuts down, holds as many streams as it may, or cannot reach its database or Redis.',
      tags: ['Service'],
      open: true,
      responses: { 200: json(answers.Readiness, 'Ready for traffic'), 503: json(answers.Readiness, 'Not ready') },
    },
  },
  metrics: {
    get: {
      summary: 'Prometheus metrics',
      description: 'For a scraper holding METRICS_TOKEN (`Authorization: Bearer <METRICS_TOKEN>`); 404 when the setting is unset.',
      tags: ['Service'],
      security: [{ metricsToken: [] }],
      responses: { 200: { description: 'The metrics, in the Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
      refusals: [401, 404],
    },
  },
  'openapi.json': {
    get: {
      summary: 'This document',
      tags: ['Service'],
      open: true,
      responses: { 200: json(z.looseObject({ openapi: z.string() }), 'OpenAPI 3.1') },
    },
  },
  models: {
    get: {
      summary: 'The models a request may name',
      tags: ['Model choice'],
      responses: { 200: json(answers.Models, 'The default first') },
      refusals: [401],
    },
  },

  stream: guide(
    'Text, usage and errors',
    'The guide’s full application: text frames, then `event: usage`; a failed run sends `event: error`. Every stream ends with `event: done`.',
    StreamInput,
    answers.FullEvents,
    'The answer as it is written',
  ),
  'stream/text': guide(
    'Plain text',
    'Pattern 1: `data: {"text": delta}` frames, then `event: done`.',
    StreamInput,
    answers.TextEvents,
    'The answer',
  ),
  'stream/events': guide(
    'Every run event',
    'Pattern 3: parts, deltas, tool calls and their results, then `event: usage` and `event: result`.',
    StreamInput,
    answers.RunEvents,
    'The run’s events',
  ),
  'stream/structured': guide(
    'A research report, field by field',
    'Pattern 2: the partial report as its fields fill in (at most every `debounce_ms`), then `event: result` with the validated report, or `event: error` of kind `validation`.',
    StructuredInput,
    answers.ReportEvents,
    'The report as it fills in',
  ),
  chat: {
    post: {
      summary: 'A chat turn',
      description:
        'Pattern 4: `{session_id, message}`; the history comes from the database, and the reply is stored even when the client leaves. A new `session_id` starts a session.',
      tags: ['Chat'],
      requestBody: jsonBody(ChatInput),
      responses: { 200: sse(answers.TextEvents, 'The reply', SESSION_HEADERS) },
      refusals: CHAT_REFUSALS,
    },
  },
  'ui/chat': {
    post: {
      summary: 'A chat turn for useChat',
      description: 'The AI SDK’s UI message stream protocol, on the same store as /api/chat.',
      tags: ['Chat'],
      requestBody: jsonBody(UiChatInput),
      responses: { 200: sse(answers.UiMessageEvents, 'The reply', SESSION_HEADERS) },
      refusals: CHAT_REFUSALS,
    },
  },
  'ui/chat/[id]/stream': {
    get: {
      summary: 'Resume a reply being streamed',
      description: 'The UI message stream of the session’s reply in progress, from its start; 204 when none is streaming.',
      tags: ['Chat'],
      requestParams: { path: idParam('session') },
      responses: { 200: sse(answers.UiMessageEvents, 'The reply so far, then as it goes on', {}), 204: empty('No reply is streaming') },
      refusals: [401, 404],
    },
  },
  'ag-ui': {
    post: {
      summary: 'An AG-UI run',
      description:
        'AG-UI’s `RunAgentInput` (for CopilotKit and other AG-UI clients), answered by the run’s events. The thread is a stored chat session. `forwardedProps.max_tokens` and `forwardedProps.model` are read.',
      tags: ['Chat'],
      requestBody: jsonBody(RunAgentInput),
      responses: { 200: sse(answers.AgUiEvents, 'The run’s events', SESSION_HEADERS) },
      refusals: CHAT_REFUSALS,
    },
  },
  'ui/report': {
    post: {
      summary: 'A stored research report',
      description: 'The same events as /api/stream/structured; the report is kept for the user, with how it ended.',
      tags: ['Reports'],
      requestBody: jsonBody(ReportInput),
      responses: {
        200: sse(answers.ReportEvents, 'The report as it fills in', { ...MODEL_HEADER, 'x-report-id': header('The stored report') }),
      },
      refusals: STREAM_REFUSALS,
    },
  },

  sessions: {
    get: {
      summary: 'Chat sessions',
      description: 'Newest first, a page at a time; with `q`, only those whose title or messages hold it.',
      tags: ['Chat'],
      requestParams: { query: SessionsPage },
      responses: { 200: json(answers.SessionsPageAnswer, 'A page of sessions') },
      refusals: [400, 401],
    },
  },
  'sessions/[id]': {
    get: {
      summary: 'A session and its messages',
      tags: ['Chat'],
      requestParams: { path: idParam('session') },
      responses: { 200: json(answers.SessionWithMessages, 'The session') },
      refusals: [401, 404],
    },
    patch: {
      summary: 'Rename a session',
      tags: ['Chat'],
      requestParams: { path: idParam('session') },
      requestBody: jsonBody(SessionPatch),
      responses: { 200: json(answers.Session, 'The renamed session') },
      refusals: [...BODY_REFUSALS, 404],
    },
    delete: {
      summary: 'Delete a session',
      description: 'With its messages; a reply still streaming into it is stopped.',
      tags: ['Chat'],
      requestParams: { path: idParam('session') },
      responses: { 204: empty('Deleted') },
      refusals: [401, 404],
    },
  },
  'sessions/[id]/stop': {
    post: {
      summary: 'Stop the reply being streamed',
      description: 'The model call is aborted and the partial reply stored as stopped.',
      tags: ['Chat'],
      requestParams: { path: idParam('session') },
      responses: { 200: json(answers.Stopped, 'Whether a reply was stopped') },
      refusals: [401, 404],
    },
  },
  'sessions/[id]/export': {
    get: exportOperation({
      summary: 'Export a chat',
      description: 'A file to download: Markdown, or JSON with every message’s tool calls, usage and model.',
      tag: 'Chat',
      what: 'session',
      answer: 'The chat',
      schema: answers.ChatExport,
    }),
  },
  reports: {
    get: {
      summary: 'Reports',
      description: 'The last 50, newest first.',
      tags: ['Reports'],
      responses: { 200: json(answers.Reports, 'Reports') },
      refusals: [401],
    },
  },
  'reports/[id]': {
    get: {
      summary: 'A report',
      description: 'As it ended: the validated report, or the partial one with its issues or error.',
      tags: ['Reports'],
      requestParams: { path: idParam('report') },
      responses: { 200: json(answers.Report, 'The report') },
      refusals: [401, 404],
    },
  },
  'reports/[id]/export': {
    get: exportOperation({
      summary: 'Export a report',
      tag: 'Reports',
      what: 'report',
      answer: 'The report',
      schema: answers.ReportExport,
    }),
  },
  usage: {
    get: {
      summary: 'Usage at a glance',
      description: 'Tokens per UTC day and model over the last 30 days, today’s against the daily budgets, and runs by outcome.',
      tags: ['Account'],
      responses: { 200: json(answers.UsageReport, 'The caller’s usage') },
      refusals: [401],
    },
  },

  'auth/signup': {
    post: {
      summary: 'Create an account',
      description: 'Then sign in through next-auth. A taken email gets the same answer.',
      tags: ['Account'],
      open: true,
      requestBody: jsonBody(SignUp),
      responses: { 202: json(answers.SignedUp, 'Sign in to continue') },
      refusals: [400, 413, 415, 429],
    },
  },
  'auth/[...nextauth]': { get: NEXT_AUTH, post: NEXT_AUTH },
  me: {
    get: {
      summary: 'Who is signed in',
      tags: ['Account'],
      responses: { 200: json(answers.Me, 'The caller, and the tokens they spent') },
      refusals: [401],
    },
    delete: {
      summary: 'Delete the account',
      description: 'Given its password again; everything of the account’s goes with it.',
      tags: ['Account'],
      requestBody: jsonBody(AccountDeletion),
      responses: { 204: empty('Deleted') },
      refusals: [...BODY_REFUSALS, 429],
    },
  },
  'me/password': {
    post: {
      summary: 'Change the password',
      description: 'Ends every other signed-in session.',
      tags: ['Account'],
      requestBody: jsonBody(PasswordChange),
      responses: { 204: empty('Changed') },
      refusals: [...BODY_REFUSALS, 429],
    },
  },
  'me/sign-out-everywhere': {
    post: {
      summary: 'Sign out everywhere',
      description: 'API keys go on working.',
      tags: ['Account'],
      responses: { 204: empty('Done') },
      refusals: [401],
    },
  },
  keys: {
    get: {
      summary: 'API keys',
      tags: ['Account'],
      responses: { 200: json(answers.ApiKeys, 'Live keys, and those revoked lately') },
      refusals: [401],
    },
    post: {
      summary: 'Create an API key',
      tags: ['Account'],
      requestBody: jsonBody(NewApiKey),
      responses: { 201: json(answers.NewApiKeyAnswer, 'The key: shown this once') },
      refusals: BODY_REFUSALS,
    },
  },
  'keys/[id]': {
    delete: {
      summary: 'Revoke an API key',
      tags: ['Account'],
      requestParams: { path: idParam('key') },
      responses: { 204: empty('Revoked') },
      refusals: [401, 404],
    },
  },
};

/** The OpenAPI path of a route folder: `sessions/[id]/stop` is `/api/sessions/{id}/stop`. */
export function openApiPath(folder: string): string {
  const segments = folder.split('/').map((segment) => segment.replace(/^\[{1,2}(?:\.\.\.)?(\w+)\]{1,2}$/, '{$1}'));
  return `/api/${segments.join('/')}`;
}

const RETRY_AFTER = { 'retry-after': header('Seconds to wait before trying again').optional() };

function refusals(statuses: ErrorStatus[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    [...new Set<ErrorStatus>([...statuses, 403, 500, 503])].map((status) => [
      status,
      json(
        answers.ERRORS[status],
        `Refused: ${answers.codesOf(status).join(', ')}`,
        status === 429 || status === 503 ? RETRY_AFTER : undefined,
      ),
    ]),
  );
}

function build() {
  const paths = Object.fromEntries(
    Object.entries(API).map(([folder, methods]) => [
      openApiPath(folder),
      Object.fromEntries(
        Object.entries(methods).map(([method, { refusals: statuses = [], open, responses, ...operation }]) => [
          method,
          {
            operationId: `${method}_${folder.replace(/\W+/g, '_').replace(/^_|_$/g, '')}`,
            ...operation,
            ...(open ? { security: [] } : {}),
            // The operation's own answers win: /api/ready's 503 is its own JSON, not an error.
            responses: { ...refusals(statuses), ...responses },
          },
        ]),
      ),
    ]),
  );
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Streamwright API',
      version: '1',
      description:
        'Streams AI model output as it is generated: text, structured reports, and tool-call and tool-result events. Send an API key as `Authorization: Bearer <key>` (create one on the Keys page or with `npm run create-key`); the app’s own pages use the session cookie. Errors before a stream starts are JSON, `{"error": code, "detail", "field"?}`; errors once it has started are events in the stream.',
    },
    security: [{ apiKey: [] }, { session: [] }],
    tags: [
      { name: 'Streams', description: 'The guide’s stateless streams' },
      { name: 'Chat', description: 'Chat sessions, stored per user' },
      { name: 'Reports', description: 'Research reports, stored per user' },
      { name: 'Model choice', description: 'What a request may name as `model`' },
      { name: 'Account', description: 'Sign-up, keys, usage' },
      { name: 'Service', description: 'Health, readiness, metrics' },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'next-auth.session-token',
          description: 'The app’s sign-in cookie, for its own pages (named `__Secure-next-auth.session-token` over https)',
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for a Prometheus scraper' },
      },
    },
  });
}

/** The document, built once per process. */
export const openApiDocument = () => processSingleton('openapi', build);
