import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CLIENTS, conformRun, newAgent, ofType, type ClientRun } from '../support/ag-ui';
import { startApp, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { PROMPT_TOKENS, type FakeProvider } from '../support/fake-provider';
import { anthropicWire, geminiWire, openaiWire, type WireUnderTest } from '../support/model-wires';
import { newUser, type TestUser } from '../support/users';

// POST /api/ag-ui with the real AG-UI clients, over real HTTP, against the built app talking to a
// fake provider: every scenario once per client, on the OpenAI Chat Completions, Anthropic and
// Gemini wires (the fakes answer alike; what the app sent is read in each wire's format).

interface StoredMessage {
  role: string;
  status?: string;
  error?: string | null;
  parts: Array<{ type: string; text?: string; state?: string; input?: unknown; output?: unknown }>;
}

/** Tool-call arguments arrive in as many pieces as the wire sends: one run of them counts once. */
const squashed = (types: string[]) => types.filter((type, i) => !(type === 'TOOL_CALL_ARGS' && types[i - 1] === type));

function describeAgUi(wire: WireUnderTest, { refusedRequests = false } = {}) {
  describe(`AG-UI over ${wire.name}`, () => {
    let fake: FakeProvider;
    let app: RunningApp;
    let user: TestUser;
    const model = wire.model;
    /** The upstream requests made for one prompt (tests run side by side on one fake). */
    const upstream = (marker: string) => fake.requests.filter((r) => JSON.stringify(r.body).includes(marker));
    const readThread = async (threadId: string) => {
      const response = await fetch(`${app.url}/api/sessions/${threadId}`, { headers: user.bearer });
      assert.equal(response.status, 200);
      return (await response.json()) as { title: string; messages: StoredMessage[] };
    };
    const textOf = (message: StoredMessage | undefined) =>
      message?.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('') ?? '';
    const text = (run: ClientRun) =>
      ofType(run, 'TEXT_MESSAGE_CONTENT')
        .map((e) => e.delta)
        .join('');

    before(async () => {
      fake = await wire.startFake();
      app = await startApp({ MODEL: model, ...wire.settings(fake) });
      user = await newUser(app);
    });
    after(async () => {
      await app?.stop();
      await fake?.close();
    });

    for (const client of CLIENTS) {
      describe(client.name, () => {
        // Both clients' tests share the fake: a tag in the prompt tells their upstream requests apart.
        const tag = client.protocolVersion ? 'v1' : 'v0';
        const start = (content: string) => {
          const agent = newAgent(client, app, user.bearer, randomUUID());
          agent.addMessage({ id: randomUUID(), role: 'user', content });
          return agent;
        };

        test('text: one message streamed in order, usage on RUN_FINISHED, the thread stored as a chat', async () => {
          const agent = start('Hello there');
          const run = await conformRun(agent, { runId: 'run-text' });
          assert.deepEqual(run.types, ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED']);
          assert.equal(text(run), 'Echo: Hello there');
          const finished = run.events.at(-1)!;
          assert.deepEqual(finished.usage, [{ model, inputTokens: PROMPT_TOKENS, outputTokens: 3, totalTokens: PROMPT_TOKENS + 3 }]);
          assert.deepEqual(finished.outcome, { type: 'success' });
          assert.equal(run.result, 'Echo: Hello there');
          assert.deepEqual(
            agent.messages.map((m) => [m.role, m.content]),
            [
              ['user', 'Hello there'],
              ['assistant', 'Echo: Hello there'],
            ],
          );

          const thread = await readThread(agent.threadId);
          // Both clients' threads start with this message: one of the two titles is numbered.
          assert.match(thread.title, /^Hello there( \(2\))?$/);
          assert.deepEqual(
            thread.messages.map((m) => [m.role, textOf(m), m.status]),
            [
              ['user', 'Hello there', 'complete'],
              ['assistant', 'Echo: Hello there', 'complete'],
            ],
          );

          // The next run resends the whole thread; only the new question joins the stored history.
          agent.addMessage({ id: randomUUID(), role: 'user', content: `And again ${tag}` });
          const second = await conformRun(agent, { runId: 'run-text-2' });
          assert.equal(text(second), `Echo: And again ${tag}`);
          const request = upstream(`And again ${tag}`)[0]?.body ?? {};
          assert.deepEqual(
            wire.roles(request),
            ['user', 'assistant', 'user'],
            'the model sees the stored thread once, not the client copy on top of it',
          );
          assert.match(wire.system(request), /^You are a concise, helpful assistant/);
          assert.equal((await readThread(agent.threadId)).messages.length, 4);
        });

        test('a server tool: the call, its result, and the answer from it', async () => {
          const agent = start('Price please [[call lookup_price {"product":"Espresso machine"}]]');
          const run = await conformRun(agent, { runId: 'run-tool' });
          assert.deepEqual(squashed(run.types).slice(0, 5), [
            'RUN_STARTED',
            'TOOL_CALL_START',
            'TOOL_CALL_ARGS',
            'TOOL_CALL_END',
            'TOOL_CALL_RESULT',
          ]);
          const [started] = ofType(run, 'TOOL_CALL_START');
          assert.equal(started?.toolCallName, 'lookup_price');
          const args = ofType(run, 'TOOL_CALL_ARGS')
            .map((e) => e.delta)
            .join('');
          assert.deepEqual(JSON.parse(args), { product: 'Espresso machine' });
          const [result] = ofType(run, 'TOOL_CALL_RESULT');
          assert.equal(result?.toolCallId, started?.toolCallId);
          assert.deepEqual(JSON.parse(String(result?.content)), { product: 'Espresso machine', price: 249, currency: 'USD' });
          assert.match(text(run), /^The tool said: .*"price":249/);
          assert.equal(run.events.at(-1)?.type, 'RUN_FINISHED');
          assert.deepEqual(
            agent.messages.map((m) => m.role),
            ['user', 'assistant', 'tool', 'assistant'],
          );
        });

        test('a client tool: the run ends with the call pending; the next run carries its result', async () => {
          const agent = start(`Show it ${tag} [[call show_card {"title":"Hi"}]]`);
          const tools = [
            {
              name: 'show_card',
              description: 'Shows a card in the app',
              parameters: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
            },
          ];
          const first = await conformRun(agent, { runId: 'run-client-tool-1', tools });
          assert.deepEqual(squashed(first.types), ['RUN_STARTED', 'TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'RUN_FINISHED']);
          const [call] = ofType(first, 'TOOL_CALL_START');
          assert.equal(call?.toolCallName, 'show_card');
          const outcome = first.events.at(-1)?.outcome;
          if (client.protocolVersion) assert.deepEqual(outcome, { type: 'success', pendingToolCallIds: [call?.toolCallId] });
          else assert.deepEqual(outcome, { type: 'success' }, '0.0.x clients reject pendingToolCallIds');
          const offered = wire.toolSchema(upstream(`Show it ${tag}`)[0]?.body ?? {}, 'show_card');
          assert.deepEqual(offered, tools[0]?.parameters, 'the model got the client’s schema');
          assert.equal(upstream(`Show it ${tag}`).length, 1, 'the server did not go on without the result');

          agent.addMessage({ id: randomUUID(), role: 'tool', toolCallId: String(call?.toolCallId), content: '{"shown":true}' });
          const second = await conformRun(agent, { runId: 'run-client-tool-2', tools });
          assert.equal(text(second), 'The tool said: {"shown":true}');
          assert.deepEqual(second.events.at(-1)?.outcome, { type: 'success' });

          const thread = await readThread(agent.threadId);
          assert.deepEqual(
            thread.messages.map((m) => [m.role, m.parts.filter((p) => p.type !== 'step-start').map((p) => p.type)]),
            [
              ['user', ['text']],
              ['assistant', ['tool-show_card']],
              ['assistant', ['text']],
            ],
          );
          const card = thread.messages[1]?.parts.find((p) => p.type === 'tool-show_card');
          assert.deepEqual([card?.state, card?.input, card?.output], ['output-available', { title: 'Hi' }, { shown: true }]);
        });

        test('state: the run starts from the client’s state and patches it when a tool changes it', async () => {
          const agent = start(`Price [[call lookup_price {"product":"Espresso machine"}]] with state ${tag}`);
          agent.setState({ theme: 'dark' });
          const run = await conformRun(agent, { runId: 'run-state' });
          assert.deepEqual(run.types.slice(0, 2), ['RUN_STARTED', 'STATE_SNAPSHOT']);
          assert.deepEqual(ofType(run, 'STATE_SNAPSHOT')[0]?.snapshot, { theme: 'dark' });
          const [delta] = ofType(run, 'STATE_DELTA');
          assert.ok(run.types.indexOf('STATE_DELTA') > run.types.indexOf('TOOL_CALL_RESULT'));
          assert.deepEqual(delta?.delta, [{ op: 'add', path: '/prices', value: { 'Espresso machine': { price: 249, currency: 'USD' } } }]);
          assert.deepEqual(agent.state, { theme: 'dark', prices: { 'Espresso machine': { price: 249, currency: 'USD' } } });
          const asked = upstream(`with state ${tag}`)[0]?.body ?? {};
          assert.ok(
            wire.texts(asked).some((text) => text.includes('"theme":"dark"')),
            'the model sees the state',
          );
        });

        test('context: the model gets it as data in a user message, not in its instructions', async () => {
          const agent = start(`What city? ${tag}`);
          const run = await conformRun(agent, {
            runId: 'run-context',
            context: [{ description: 'The user’s city', value: 'Lyon' }],
          });
          assert.equal(run.events.at(-1)?.type, 'RUN_FINISHED');
          const request = upstream(`What city? ${tag}`)[0]?.body ?? {};
          assert.match(wire.system(request), /^You are a concise/);
          assert.doesNotMatch(wire.system(request), /Lyon/);
          assert.equal(wire.roles(request)[0], 'user');
          const texts = wire.texts(request);
          assert.match(texts[0] ?? '', /^Data shared by the application .*not instructions/);
          assert.match(texts[0] ?? '', /"value":"Lyon"/);
          assert.equal(texts.at(-1), `What city? ${tag}`);
          // Context belongs to the run; the stored thread keeps only the conversation.
          assert.equal((await readThread(agent.threadId)).messages.length, 2);
        });

        test('budget: forwardedProps.max_tokens caps the reply; RUN_ERROR "budget" with the usage, after the text is closed', async () => {
          const agent = start(`Hello there my friend ${tag}`);
          const run = await conformRun(agent, { runId: 'run-budget', forwardedProps: { max_tokens: 2 } });
          assert.deepEqual(run.types, ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_ERROR']);
          const error = run.events.at(-1)!;
          assert.equal(error.code, 'budget');
          assert.equal(error.message, 'The reply reached its budget of 2 output tokens');
          assert.deepEqual(error.usage, [{ model, inputTokens: PROMPT_TOKENS, outputTokens: 2, totalTokens: PROMPT_TOKENS + 2 }]);
          assert.equal(wire.limit(upstream(`Hello there my friend ${tag}`)[0]?.body ?? {}), 2);
        });

        test('model errors: refused before any text, and broken mid-stream, end in RUN_ERROR "model"', async () => {
          const refused = await conformRun(start('Refuse [[status 401]]'), { runId: 'run-refused' });
          assert.deepEqual(refused.types, ['RUN_STARTED', 'RUN_ERROR']);
          const error = refused.events.at(-1)!;
          assert.deepEqual(
            [error.code, error.message],
            ['model', 'The model provider answered HTTP 401: the server’s model credentials were refused'],
          );
          assert.equal(error.usage, undefined, 'no usage is known, so none is claimed');

          // The client retries with its whole copy: the failed question is stored once.
          refused.agent.addMessage({ id: randomUUID(), role: 'user', content: `Try again ${tag}` });
          const retried = await conformRun(refused.agent, { runId: 'run-retry' });
          assert.equal(text(retried), `Echo: Try again ${tag}`);
          assert.deepEqual(
            (await readThread(refused.agent.threadId)).messages.map((m) => [m.role, m.status]),
            [
              ['user', 'complete'],
              ['assistant', 'failed'],
              ['user', 'complete'],
              ['assistant', 'complete'],
            ],
          );

          const broken = await conformRun(start('Half an answer [[stream-error]]'), { runId: 'run-broken' });
          assert.deepEqual(broken.types, ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_ERROR']);
          assert.equal(broken.events.at(-1)?.code, 'model');
          const thread = await readThread(broken.agent.threadId);
          assert.deepEqual(
            [thread.messages[1]?.status, thread.messages[1]?.error, textOf(thread.messages[1])],
            ['failed', 'model_error', 'Echo: Half an'],
          );
        });

        test('stop: the run ends at once, closed, with the cancelled outcome for 1.0 clients', async () => {
          const agent = start('Keep going [[slow 30]]');
          let stopped: Promise<Response> | undefined;
          const run = await conformRun(agent, { runId: 'run-stop' }, (event) => {
            if (event.type === 'TEXT_MESSAGE_CONTENT' && !stopped) {
              stopped = fetch(`${app.url}/api/sessions/${agent.threadId}/stop`, { method: 'POST', headers: user.bearer });
            }
          });
          assert.deepEqual(await (await stopped!).json(), { stopped: true });
          assert.deepEqual(run.types.slice(-2), ['TEXT_MESSAGE_END', 'RUN_FINISHED']);
          const finished = run.events.at(-1)!;
          if (client.protocolVersion) assert.deepEqual(finished.outcome, { type: 'cancelled' });
          else assert.equal(finished.outcome, undefined, '0.0.x clients cannot parse the cancelled outcome');
          assert.ok(ofType(run, 'TEXT_MESSAGE_CONTENT').length < 200, 'stopped before the end');
          await eventually(async () => (await readThread(agent.threadId)).messages[1]?.status === 'stopped', 'stored as stopped');
        });
      });
    }

    if (refusedRequests)
      describe('requests refused before any event', () => {
        const post = (body: unknown, headers: Record<string, string> = user.bearer) =>
          fetch(`${app.url}/api/ag-ui`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          });
        const valid = () => ({ threadId: randomUUID(), runId: 'r1', messages: [{ id: 'u1', role: 'user', content: 'Hi' }] });

        test('bad input: 4xx JSON with a stable code and the field', async () => {
          const cases: Array<[unknown, number, Record<string, unknown>]> = [
            ['{not json', 400, { error: 'invalid_json' }],
            [{ ...valid(), threadId: undefined }, 400, { error: 'invalid_parameter', field: 'threadId' }],
            [{ ...valid(), threadId: 'has spaces' }, 400, { error: 'invalid_parameter', field: 'threadId' }],
            [{ ...valid(), runId: '' }, 400, { error: 'invalid_parameter', field: 'runId' }],
            [{ ...valid(), messages: 'hi' }, 400, { error: 'invalid_parameter', field: 'messages' }],
            [
              { ...valid(), messages: [{ id: 'x', role: 'robot', content: 'hi' }] },
              400,
              { error: 'invalid_parameter', field: 'messages.0.role' },
            ],
            [{ ...valid(), messages: [] }, 400, { error: 'invalid_parameter', field: 'messages' }],
            [
              { ...valid(), messages: [{ id: 'u', role: 'user', content: '   ' }] },
              400,
              { error: 'invalid_parameter', field: 'messages.0.content' },
            ],
            [
              { ...valid(), tools: [{ name: 'lookup_price', description: 'mine' }] },
              400,
              { error: 'invalid_parameter', field: 'tools.0.name' },
            ],
            [{ ...valid(), tools: [{ name: 'has space' }] }, 400, { error: 'invalid_parameter', field: 'tools.0.name' }],
            [{ ...valid(), forwardedProps: { max_tokens: 9999 } }, 400, { error: 'invalid_parameter', field: 'forwardedProps.max_tokens' }],
            [
              {
                ...valid(),
                messages: [
                  { id: 'u', role: 'user', content: 'Hi' },
                  { id: 't', role: 'tool', toolCallId: 'nope', content: '1' },
                ],
              },
              400,
              { error: 'invalid_parameter', field: 'messages.1.toolCallId' },
            ],
          ];
          for (const [body, status, expected] of cases) {
            const response = await post(body);
            assert.equal(response.status, status, JSON.stringify(body));
            assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
            const answer = (await response.json()) as Record<string, unknown>;
            for (const [key, value] of Object.entries(expected))
              assert.equal(answer[key], value, `${JSON.stringify(body)}: ${JSON.stringify(answer)}`);
            assert.equal(typeof answer.detail, 'string');
          }
        });

        test('state nested deeper than 64 levels is 400 nesting_too_deep, at any depth, and starts nothing', async () => {
          const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
          for (const depth of [65, 4_000, 5_000, 100_000]) {
            const body = valid();
            const response = await post(`${JSON.stringify(body).slice(0, -1)},"state":{"deep":${nested(depth)}}}`);
            assert.equal(response.status, 400, `depth ${depth}`);
            assert.deepEqual(await response.json(), { error: 'nesting_too_deep', detail: 'The JSON body nests deeper than 64 levels' });
            assert.equal((await fetch(`${app.url}/api/sessions/${body.threadId}`, { headers: user.bearer })).status, 404);
          }
        });

        test('a refused request leaves no session behind', async () => {
          const body = { ...valid(), messages: [{ id: 'a1', role: 'assistant', content: 'Nothing to answer' }] };
          assert.equal((await post(body)).status, 400);
          assert.equal((await fetch(`${app.url}/api/sessions/${body.threadId}`, { headers: user.bearer })).status, 404);
        });

        test('unknown members are ignored, as the protocol asks', async () => {
          const response = await post({ ...valid(), somethingNew: 1, parentRunId: 'p', resume: [] });
          assert.equal(response.status, 200);
          assert.match(await response.text(), /"type":"RUN_FINISHED"/);
        });

        test('no user, 401; another user’s thread, 404; a thread mid-run, 409', async () => {
          const anonymous = await post(valid(), {});
          assert.equal(anonymous.status, 401);

          const mine = valid();
          await (await post(mine)).text();
          const other = await newUser(app);
          const stolen = await post({ ...mine, runId: 'r2' }, other.bearer);
          assert.equal(stolen.status, 404);
          assert.equal(((await stolen.json()) as { error: string }).error, 'not_found');

          const busy = { ...valid(), messages: [{ id: 'u1', role: 'user', content: 'Slowly [[slow 20]]' }] };
          const first = await post(busy);
          const second = await post({ ...busy, runId: 'r2', messages: [...busy.messages, { id: 'u2', role: 'user', content: 'More' }] });
          assert.equal(second.status, 409);
          assert.equal(((await second.json()) as { error: string }).error, 'session_busy');
          await first.body?.cancel();
        });
      });
  });
}

describeAgUi(openaiWire('openai-chat'), { refusedRequests: true });
describeAgUi(anthropicWire());
describeAgUi(geminiWire());

describe('AG-UI over the OpenAI Responses wire', () => {
  let fake: FakeOpenAI;
  let app: RunningApp;
  let user: TestUser;

  before(async () => {
    fake = await startFakeOpenAI();
    app = await startApp({ MODEL: 'openai:fake-model', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test' });
    user = await newUser(app);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  for (const client of CLIENTS) {
    test(`${client.name}: the model's reasoning streams as REASONING_* before the answer`, async () => {
      const agent = newAgent(client, app, user.bearer, randomUUID());
      agent.addMessage({ id: randomUUID(), role: 'user', content: 'Ponder [[think]]' });
      const run = await conformRun(agent, { runId: 'run-reasoning' });
      assert.deepEqual(run.types, [
        'RUN_STARTED',
        'REASONING_START',
        'REASONING_MESSAGE_START',
        'REASONING_MESSAGE_CONTENT',
        'REASONING_MESSAGE_END',
        'REASONING_END',
        'TEXT_MESSAGE_START',
        'TEXT_MESSAGE_CONTENT',
        'TEXT_MESSAGE_END',
        'RUN_FINISHED',
      ]);
      assert.equal(
        ofType(run, 'REASONING_MESSAGE_CONTENT')
          .map((e) => e.delta)
          .join(''),
        'Thinking it over.',
      );
      assert.deepEqual(
        agent.messages.map((m) => [m.role, m.content]),
        [
          ['user', 'Ponder [[think]]'],
          ['reasoning', 'Thinking it over.'],
          ['assistant', 'Echo: Ponder'],
        ],
      );
    });
  }
});
