import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startApp, type RunningApp } from '../support/app';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { exportedMethods, routeFiles, type HttpMethod } from '../support/routes';
import { createKey, newUser, type TestUser } from '../support/users';
// Every answer the fuzz gets is also checked against the OpenAPI document, as the API suite's are.
import '../support/openapi-check';

// Property-based fuzzing of every route under app/api over real HTTP against the built app:
// generated methods, paths, queries, headers and bodies (variations of each route's real
// fields, and garbage), with and without credentials. Whatever comes in, the server answers
// below 500, every refusal is a 4xx with a JSON `{"error": code}` body (next-auth's own routes
// and Next.js's 405 excepted, see EXCEPTIONS), it never crashes, and its memory stays bounded.
// Run on two apps, each with a share of the runs: one on the offline model, one whose model is
// the fake OpenAI server over a real socket (the provider's request and stream code paths).

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
/** Fixed, so a failure found in CI is found again at home; FUZZ_SEED tries another. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const METRICS_TOKEN = 'metrics-token-for-fuzzing';

interface Model {
  name: string;
  /** This model's share of RUNS, per route. */
  runs: number;
  /** Its own seed (from SEED), so the two apps get different requests. */
  seed: number;
  /** Whether the app's model is the fake OpenAI server (started beside the app). */
  fakeOpenAI: boolean;
  /** The app's settings for it. */
  settings: (fake?: FakeOpenAI) => Record<string, string>;
}

const MODELS: Model[] = [
  { name: 'offline model', runs: Math.ceil(RUNS / 2), seed: SEED, fakeOpenAI: false, settings: () => ({}) },
  {
    name: 'fake OpenAI server',
    runs: Math.floor(RUNS / 2),
    seed: SEED + 1,
    fakeOpenAI: true,
    settings: (fake) => ({
      MODEL: 'openai:fake-model',
      OPENAI_BASE_URL: fake!.baseURL,
      OPENAI_API_KEY: 'sk-fuzz',
      MODEL_IDLE_TIMEOUT_MS: '5000',
    }),
  },
];
console.log(
  `fuzz seed ${SEED} (FUZZ_SEED=${SEED} repeats this run), ${RUNS} runs per route: ` +
    MODELS.map((m) => `${m.runs} on the ${m.name} (seed ${m.seed})`).join(', '),
);
type Method = HttpMethod;
/** The methods generated for every route, beside the ones it exports. */
const METHODS: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface Target {
  /** Methods the route file exports. */
  methods: Method[];
  /** The path, with `{id}` or `{rest}` where generated segments go. */
  path: string;
  /** Real field names for queries and bodies, and generators of plausible values. */
  fields: Record<string, fc.Arbitrary<unknown>>;
}

// ---- plausible values for the real fields ---------------------------------------------------

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('Hello', 'What is the price of a desk lamp?', '', ' ', '\u0000', '💥'.repeat(3)),
);
const count = fc.oneof(
  fc.integer({ min: -10, max: 5000 }),
  fc.constantFrom(0, 1, 4000, 4001, 1e12, -0, 0.5, Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 6 }),
);
const sessionId = fc.oneof(fc.stringMatching(/^[\w-]{1,20}$/), fc.string({ maxLength: 120 }), fc.constant('../../etc/passwd'));
/** A model id: each fuzzed server's own, one no server offers, or anything. */
const modelId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('offline', 'openai:fake-model') },
  { weight: 1, arbitrary: fc.constantFrom('openai:nope', '') },
  { weight: 1, arbitrary: text },
);

const anything: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, [], {}, '', 0, -1),
);
const uiMessage = fc.oneof(
  fc.record(
    {
      role: fc.constantFrom('user', 'assistant', 'system', ''),
      parts: fc.array(fc.record({ type: fc.constantFrom('text', 'file', ''), text: fc.option(text, { nil: undefined }) }), {
        maxLength: 3,
      }),
    },
    { requiredKeys: [] },
  ),
  anything,
);
const agUiMessage = fc.record(
  {
    id: fc.string({ maxLength: 12 }),
    role: fc.constantFrom('user', 'assistant', 'tool', 'system', 'developer', 'wizard'),
    content: fc.oneof(text, anything),
    toolCallId: fc.string({ maxLength: 8 }),
    toolCalls: fc.array(
      fc.record({
        id: fc.string({ maxLength: 6 }),
        type: fc.constant('function'),
        function: fc.record({ name: fc.string({ maxLength: 10 }), arguments: fc.string({ maxLength: 20 }) }),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['id', 'role'] },
);

const stream = { q: text, max_tokens: count, model: modelId };
const TARGETS: Record<string, Target> = {
  '[[...path]]': { methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], path: '/api/{rest}', fields: {} },
  'ag-ui': {
    methods: ['POST'],
    path: '/api/ag-ui',
    fields: {
      threadId: sessionId,
      runId: fc.string({ maxLength: 12 }),
      protocolVersion: fc.constantFrom('1.0.0', '0.0.1', ''),
      messages: fc.array(agUiMessage, { maxLength: 3 }),
      tools: fc.array(
        fc.record({ name: fc.constantFrom('lookup_price', 'confirm', ''), description: text, parameters: anything }, { requiredKeys: [] }),
        { maxLength: 2 },
      ),
      context: fc.array(fc.record({ description: text, value: text }, { requiredKeys: [] }), { maxLength: 2 }),
      state: anything,
      forwardedProps: fc.oneof(fc.record({ max_tokens: count, model: modelId }, { requiredKeys: [] }), anything),
    },
  },
  'auth/[...nextauth]': {
    methods: ['GET', 'POST'],
    path: '/api/auth/{rest}',
    fields: { csrfToken: text, email: text, password: text, callbackUrl: text, json: fc.constantFrom('true', 'false') },
  },
  'auth/signup': {
    methods: ['POST'],
    path: '/api/auth/signup',
    fields: { email: fc.oneof(fc.emailAddress(), text), password: text, name: fc.oneof(text, anything) },
  },
  chat: { methods: ['POST'], path: '/api/chat', fields: { session_id: sessionId, message: text, max_tokens: count, model: modelId } },
  health: { methods: ['GET'], path: '/api/health', fields: {} },
  'keys/[id]': { methods: ['DELETE'], path: '/api/keys/{id}', fields: {} },
  keys: { methods: ['GET', 'POST'], path: '/api/keys', fields: { name: fc.oneof(text, anything) } },
  me: { methods: ['GET', 'DELETE'], path: '/api/me', fields: { password: text } },
  'me/password': { methods: ['POST'], path: '/api/me/password', fields: { current_password: text, new_password: text } },
  'me/sign-out-everywhere': { methods: ['POST'], path: '/api/me/sign-out-everywhere', fields: {} },
  metrics: { methods: ['GET'], path: '/api/metrics', fields: {} },
  models: { methods: ['GET'], path: '/api/models', fields: {} },
  'openapi.json': { methods: ['GET'], path: '/api/openapi.json', fields: {} },
  ready: { methods: ['GET'], path: '/api/ready', fields: {} },
  'reports/[id]/export': {
    methods: ['GET'],
    path: '/api/reports/{id}/export',
    fields: { format: fc.constantFrom('markdown', 'json', 'pdf', '') },
  },
  'reports/[id]': { methods: ['GET'], path: '/api/reports/{id}', fields: {} },
  reports: { methods: ['GET'], path: '/api/reports', fields: {} },
  'sessions/[id]/export': {
    methods: ['GET'],
    path: '/api/sessions/{id}/export',
    fields: { format: fc.constantFrom('markdown', 'json', 'pdf', '') },
  },
  'sessions/[id]/stop': { methods: ['POST'], path: '/api/sessions/{id}/stop', fields: {} },
  'sessions/[id]': { methods: ['GET', 'PATCH', 'DELETE'], path: '/api/sessions/{id}', fields: { title: fc.oneof(text, anything) } },
  sessions: { methods: ['GET'], path: '/api/sessions', fields: { limit: count, cursor: sessionId, q: fc.oneof(text, anything) } },
  'stream/events': { methods: ['GET', 'POST'], path: '/api/stream/events', fields: stream },
  stream: { methods: ['GET', 'POST'], path: '/api/stream', fields: stream },
  'stream/structured': { methods: ['GET', 'POST'], path: '/api/stream/structured', fields: { ...stream, debounce_ms: count } },
  'stream/text': { methods: ['GET', 'POST'], path: '/api/stream/text', fields: stream },
  'ui/chat/[id]/stream': { methods: ['GET'], path: '/api/ui/chat/{id}/stream', fields: {} },
  'ui/chat': {
    methods: ['POST'],
    path: '/api/ui/chat',
    fields: {
      id: sessionId,
      message: uiMessage,
      messages: fc.array(uiMessage, { maxLength: 2 }),
      trigger: fc.constantFrom('submit-message', 'regenerate-message', 'x'),
      messageId: fc.oneof(sessionId, anything),
      max_tokens: count,
      model: modelId,
    },
  },
  usage: { methods: ['GET'], path: '/api/usage', fields: {} },
  'ui/report': {
    methods: ['POST'],
    path: '/api/ui/report',
    fields: { topic: text, max_tokens: count, debounce_ms: count, model: modelId },
  },
};

/**
 * Answers that are not the JSON error shape, by design: next-auth's own routes (redirects, its
 * HTML error page, its JSON), Next.js's empty 405 for a method a route does not export, and
 * `204 No Content` answers.
 */
function exempt(target: string, method: Method, status: number): boolean {
  if (target === 'auth/[...nextauth]') return true;
  if (status === 405 && !TARGETS[target]!.methods.includes(method)) return true;
  // The catch-all answers every method itself; a generated path that names a real route (`me`)
  // reaches that route instead, and a method it lacks gets Next.js's own empty 405.
  if (status === 405 && target === '[[...path]]') return true;
  return status === 204;
}

// ---- requests --------------------------------------------------------------------------------

type Auth = 'none' | 'key' | 'cookie' | 'bad-key' | 'malformed';
interface Generated {
  method: Method;
  auth: Auth;
  segment: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: { kind: 'none' } | { kind: 'json'; value: unknown; type: string } | { kind: 'raw'; bytes: Uint8Array; type: string };
}

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);

function requests(name: string, ids: string[]): fc.Arbitrary<Generated> {
  const target = TARGETS[name]!;
  const fieldNames = Object.keys(target.fields);
  const fieldObject = fc.record(target.fields, { requiredKeys: [] });
  const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constantFrom('', '0', '-1', '4001', 'NaN', '1e3'));
  return fc.record({
    method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...target.methods) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    auth: fc.constantFrom<Auth>('none', 'key', 'key', 'cookie', 'bad-key', 'malformed'),
    segment: fc.oneof(
      fc.constantFrom(...ids),
      fc.stringMatching(/^[\w-]{1,30}$/),
      fc.webSegment(),
      name === '[[...path]]' || name === 'auth/[...nextauth]'
        ? fc.constantFrom(
            'session',
            'csrf',
            'providers',
            'signin',
            'signout',
            'callback/credentials',
            'error',
            'nope/deeper/still',
            '%2e%2e',
            'signin/credentials',
          )
        : fc.constant('x'),
    ),
    query: fc.array(
      fc.tuple(
        fieldNames.length ? fc.oneof(fc.constantFrom(...fieldNames), fc.string({ maxLength: 8 })) : fc.string({ maxLength: 8 }),
        queryValue,
      ),
      { maxLength: 4 },
    ),
    headers: fc.record(
      {
        'x-request-id': headerValue,
        'x-forwarded-for': fc.oneof(fc.ipV4(), headerValue),
        accept: fc.constantFrom('*/*', 'text/event-stream', 'application/json', 'text/html', ''),
        origin: fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1'),
        'accept-language': headerValue,
        range: fc.constantFrom('bytes=0-10', 'bytes=-1', 'x'),
      },
      { requiredKeys: [] },
    ),
    body: fc.oneof(
      { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('json' as const),
          value: fc.oneof(
            { weight: 4, arbitrary: fieldObject },
            { weight: 1, arbitrary: anything },
            { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), anything, { maxKeys: 4 }) },
          ),
          type: fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'application/vnd.api+json',
            'text/plain',
            'application/x-www-form-urlencoded',
          ),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('raw' as const),
          bytes: fc.oneof(
            fc.uint8Array({ maxLength: 200 }),
            fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
            fc.constantFrom(
              new TextEncoder().encode('{"q":'),
              new TextEncoder().encode('\ufeff{}'),
              new TextEncoder().encode('{"__proto__":{"x":1}}'),
            ),
          ),
          type: fc.constantFrom('application/json', 'multipart/form-data; boundary=x', 'application/octet-stream', ''),
        }),
      },
    ),
  });
}

/** `internal` inside a 2xx stream: the envelope's error event, AG-UI's RUN_ERROR, the UI stream's error. */
const INTERNAL_IN_STREAM =
  /event: error\ndata: \{"error":"internal"|"type":"RUN_ERROR"[^\n]*"code":"internal"|"type":"error","errorText":"[^"]*internal/i;

// ---- the run ---------------------------------------------------------------------------------

/** One app under fuzzing: its model, its two users and the real ids of their things. */
interface Fuzzed {
  model: Model;
  app: RunningApp;
  fake?: FakeOpenAI;
  user: TestUser;
  ids: string[];
}

const rss = (app: RunningApp) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${app.pid()}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function startFuzzed(model: Model): Promise<Fuzzed> {
  const fake = model.fakeOpenAI ? await startFakeOpenAI() : undefined;
  // A capped heap: V8 otherwise lets garbage pile up to hundreds of MB before it collects, which
  // says nothing; with the cap, memory that is really kept ends the server (out of memory) or
  // shows in its RSS.
  const app = await startApp({
    METRICS_TOKEN,
    DEFAULT_OUTPUT_TOKENS: '40',
    NODE_OPTIONS: '--max-old-space-size=256',
    ...model.settings(fake),
  });
  const [user, other] = [await newUser(app), await newUser(app)];
  // Real ids of both users' things, so generated requests reach past "not found".
  const ids: string[] = [];
  for (const owner of [user, other]) {
    const session = `fuzz-${owner === user ? 'mine' : 'theirs'}`;
    await (
      await fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...owner.bearer },
        body: JSON.stringify({ session_id: session, message: 'Hello', max_tokens: 5 }),
      })
    ).text();
    const report = await fetch(`${app.url}/api/ui/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...owner.bearer },
      body: JSON.stringify({ topic: 'Tides', max_tokens: 30 }),
    });
    ids.push(session, report.headers.get('x-report-id') ?? 'no-report', (await createKey(app, owner.bearer, 'spare')).id);
    await report.text();
  }
  return { model, app, fake, user, ids };
}

function authHeaders(auth: Auth, user: TestUser): Record<string, string> {
  switch (auth) {
    case 'none':
      return {};
    case 'key':
      return user.bearer;
    case 'cookie':
      return { cookie: user.cookie };
    case 'bad-key':
      return { authorization: 'Bearer sk_not-a-real-key' };
    case 'malformed':
      return { authorization: 'Basic Zm9vOmJhcg==', cookie: 'next-auth.session-token=garbage' };
  }
}

async function send({ app, user }: Fuzzed, name: string, generated: Generated) {
  const target = TARGETS[name]!;
  // `.` and `..` as an id are resolved away by the URL parser, so they would name another route.
  const id = generated.segment === '.' || generated.segment === '..' ? 'dot' : generated.segment;
  const path = target.path.replace('{id}', encodeURIComponent(id)).replace('{rest}', generated.segment);
  const url = new URL(path, app.url);
  for (const [key, value] of generated.query) url.searchParams.append(key, value);
  if (name === 'metrics' && generated.auth === 'key') Object.assign(generated.headers, { authorization: `Bearer ${METRICS_TOKEN}` });
  const headers: Record<string, string> = { ...generated.headers, ...authHeaders(generated.auth, user) };
  let body: BodyInit | undefined;
  if (generated.method !== 'GET' && generated.body.kind !== 'none') {
    body = generated.body.kind === 'json' ? (JSON.stringify(generated.body.value) ?? 'null') : Buffer.from(generated.body.bytes);
    if (generated.body.type) headers['content-type'] = generated.body.type;
  }
  const response = await fetch(url, { method: generated.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, url: url.pathname + url.search };
}

describe('fuzzing every route under app/api', () => {
  test('the route table covers every route file, with the methods it exports', () => {
    const files = routeFiles();
    assert.deepEqual(files, Object.keys(TARGETS).sort(), 'a route file without a fuzz target, or a target without a file');
    for (const file of files) assert.deepEqual(exportedMethods(file), TARGETS[file]!.methods, file);
  });

  for (const model of MODELS) {
    describe(`on the ${model.name}`, () => {
      let fuzzed: Fuzzed;
      before(async () => {
        fuzzed = await startFuzzed(model);
      });
      after(async () => {
        await fuzzed?.app.stop();
        await fuzzed?.fake?.close();
      });

      let rssBefore = 0;
      test('warm-up: every route answered once', async () => {
        for (const name of Object.keys(TARGETS)) {
          await send(fuzzed, name, {
            method: TARGETS[name]!.methods[0]!,
            auth: 'key',
            segment: fuzzed.ids[0]!,
            query: [],
            headers: {},
            body: { kind: 'none' },
          });
        }
        rssBefore = rss(fuzzed.app);
      });

      for (const name of Object.keys(TARGETS)) {
        test(`${name}: no 5xx, refusals are 4xx JSON with an error code`, async () => {
          await fc.assert(
            fc.asyncProperty(requests(name, fuzzed.ids), async (generated) => {
              const { status, contentType, text, url } = await send(fuzzed, name, generated);
              const where = `[${model.name}, fuzz seed ${SEED}] ${generated.method} ${url} (${generated.auth}) → ${status} ${text.slice(0, 200)}`;
              assert.ok(status < 500, where);
              // A stream that started is read to its end: an internal failure inside it is a crash too.
              assert.doesNotMatch(text, INTERNAL_IN_STREAM, where);
              if (status >= 400 && !exempt(name, generated.method, status)) {
                assert.match(contentType, /^application\/json/, where);
                const parsed = JSON.parse(text) as { error?: unknown };
                assert.equal(typeof parsed.error, 'string', where);
                assert.match(parsed.error as string, /^[a-z_]+$/, where);
              }
            }),
            // The failing request's own message (model, seed, answer) in the report, not only the counterexample.
            { numRuns: model.runs, seed: model.seed, includeErrorInReport: true },
          );
        });
      }

      test('the server is still up, and its memory stayed bounded', async () => {
        const { app } = fuzzed;
        assert.equal((await fetch(`${app.url}/api/health`)).status, 200);
        const ready = await fetch(`${app.url}/api/ready`);
        assert.equal(ready.status, 200);
        const now = rss(app);
        // Generous: the heap may fill up to its cap with garbage, and JIT code and caches grow; a
        // leak per request would crash the capped server or show as hundreds of MB.
        assert.ok(now < rssBefore + 150, `[${model.name}] RSS went from ${rssBefore.toFixed(0)} MB to ${now.toFixed(0)} MB`);
        assert.doesNotMatch(app.output(), /route_failed|uncaught|unhandled/i, `[${model.name}] no handler failed`);
        if (fuzzed.fake) {
          // The generated requests reached the model on the other side of the socket, on its wires.
          const paths = new Set(fuzzed.fake.requests.map((r) => r.path));
          assert.ok(
            fuzzed.fake.requests.length >= Object.keys(TARGETS).length,
            `only ${fuzzed.fake.requests.length} model calls reached the fake OpenAI server`,
          );
          assert.deepEqual([...paths], ['/v1/responses']);
        }
      });
    });
  }
});
