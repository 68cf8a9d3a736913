import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp, type Database, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { PROMPT_TOKENS, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { fetchFrames, joinedText, parseFrames, parseUiStream } from '../support/sse';
import { createKey, newUser, type TestUser } from '../support/users';

// Stored chat sessions, end to end over HTTP against the built app and a fake OpenAI server:
// multi-turn history, both chat protocols on one store, nothing lost on stop, one turn at a
// time, and no way into another user's data. Run once per database. (A client that disconnects
// and a failing model are in tests/reliability/faults.test.ts.)

interface StoredMessage {
  id: string;
  role: string;
  parts: Array<{ type: string; text?: string }>;
  model: string | null;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
  status: string;
  error: string | null;
}

interface StoredSession {
  id: string;
  title: string;
  messages: StoredMessage[];
}

const textOf = (message: StoredMessage | undefined) => message?.parts.map((p) => (p.type === 'text' ? p.text : '')).join('') ?? '';
const SLOW_REPLY = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');

let sessionCounter = 0;
const newSessionId = () => `session-${Date.now().toString(36)}-${++sessionCounter}`;

export function describePersistence(database: Database) {
  describe(`stored chat sessions on ${database}`, () => {
    let fake: FakeOpenAI;
    let app: RunningApp;
    let alice: TestUser;
    let bob: TestUser;

    const chat = (user: TestUser, session_id: string, message: string, init: RequestInit = {}) =>
      fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify({ session_id, message }),
        ...init,
      });
    const uiChat = (auth: Record<string, string>, id: string, text: string) =>
      fetch(`${app.url}/api/ui/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ id, message: { id: 'client-1', role: 'user', parts: [{ type: 'text', text }] } }),
      });
    const readSession = async (user: TestUser, id: string) => {
      const response = await fetch(`${app.url}/api/sessions/${id}`, { headers: user.bearer });
      assert.equal(response.status, 200);
      return (await response.json()) as StoredSession;
    };
    const upstream = (marker: string) => fake.requests.filter((r) => JSON.stringify(r.body).includes(marker));

    before(async () => {
      fake = await startFakeOpenAI();
      app = await startApp(
        { MODEL: 'openai-chat:fake-model', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test', MODEL_IDLE_TIMEOUT_MS: '2000' },
        database,
      );
      [alice, bob] = [await newUser(app), await newUser(app)];
    });
    after(async () => {
      await app?.stop();
      await fake?.close();
    });

    test('a multi-turn chat through /api/chat reads back exactly, with history from the database', async () => {
      const id = newSessionId();
      const first = parseFrames(await (await chat(alice, id, 'What is a tide?')).text());
      const second = parseFrames(await (await chat(alice, id, 'And a wave?')).text());
      assert.equal(joinedText(first), 'Echo: What is a tide?');
      assert.deepEqual(second.at(-1), { event: 'done', data: {} });

      const session = await readSession(alice, id);
      assert.equal(session.title, 'What is a tide?');
      assert.deepEqual(
        session.messages.map((m) => [m.role, textOf(m), m.status]),
        [
          ['user', 'What is a tide?', 'complete'],
          ['assistant', 'Echo: What is a tide?', 'complete'],
          ['user', 'And a wave?', 'complete'],
          ['assistant', joinedText(second), 'complete'],
        ],
      );
      assert.equal(session.messages[1]?.model, 'openai-chat:fake-model');
      assert.deepEqual(session.messages[1]?.usage, { input_tokens: PROMPT_TOKENS, output_tokens: 5, total_tokens: PROMPT_TOKENS + 5 });

      const [, secondCall] = upstream('What is a tide?');
      const sent = (secondCall?.body.messages as Array<{ role: string; content: unknown }>).map((m) => [m.role, JSON.stringify(m.content)]);
      assert.deepEqual(sent.slice(1), [
        ['user', JSON.stringify('What is a tide?')],
        ['assistant', JSON.stringify('Echo: What is a tide?')],
        ['user', JSON.stringify('And a wave?')],
      ]);
    });

    test('/api/ui/chat streams the UI message protocol into the same store', async () => {
      const id = newSessionId();
      const response = await uiChat(alice.bearer, id, 'Hello from the browser');
      assert.equal(response.headers.get('x-vercel-ai-ui-message-stream'), 'v1');
      const chunks = parseUiStream(await response.text());
      const start = chunks[0] as { type: string; messageId: string; messageMetadata: { model: string } };
      assert.equal(start.type, 'start');
      assert.equal(start.messageMetadata.model, 'openai-chat:fake-model');
      const text = chunks.flatMap((c) => (c.type === 'text-delta' ? [c.delta as string] : [])).join('');
      assert.equal(text, 'Echo: Hello from the browser');
      const finish = chunks.at(-1) as { type: string; messageMetadata: { usage: { totalTokens: number } } };
      assert.equal(finish.type, 'finish');
      assert.equal(finish.messageMetadata.usage.totalTokens, PROMPT_TOKENS + 5);

      // The envelope endpoint continues the same session, with the UI turn in its history.
      await (await chat(alice, id, 'Second turn')).text();
      const session = await readSession(alice, id);
      assert.deepEqual(
        session.messages.map((m) => [m.role, textOf(m)]),
        [
          ['user', 'Hello from the browser'],
          ['assistant', 'Echo: Hello from the browser'],
          ['user', 'Second turn'],
          ['assistant', 'Echo: Second turn'],
        ],
      );
      assert.equal(session.messages[1]?.id, start.messageId, 'the streamed message id is the stored one');
      assert.match(JSON.stringify(upstream('Second turn')[0]?.body), /Echo: Hello from the browser/);
    });

    test('edit and resend through /api/ui/chat: the edited message and every turn after it are replaced, in storage too', async () => {
      const id = newSessionId();
      const send = async (body: object, auth = alice.bearer) =>
        fetch(`${app.url}/api/ui/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ id, ...body }),
        });
      const say = (clientId: string, text: string) => ({ id: clientId, role: 'user', parts: [{ type: 'text', text }] });
      for (const [clientId, text] of [
        [`${id}-a`, 'First question'],
        [`${id}-b`, 'Second question'],
        [`${id}-c`, 'Third question'],
      ] as const) {
        await (await send({ message: say(clientId, text) })).text();
      }
      const before = await readSession(alice, id);
      assert.deepEqual(
        before.messages.filter((m) => m.role === 'user').map((m) => m.id),
        [`${id}-a`, `${id}-b`, `${id}-c`],
        'stored under the client ids',
      );

      // Neither a reply, nor a message of another chat, nor an unknown id can be replaced.
      const bobs = newSessionId();
      await (await uiChat(bob.bearer, bobs, 'Bob asks')).text();
      const bobMessage = (await readSession(bob, bobs)).messages[0]!.id;
      for (const target of [before.messages[1]!.id, bobMessage, 'no-such-message']) {
        const refused = await send({ message: say(`${id}-x`, 'Edited'), messageId: target });
        assert.equal(refused.status, 400, target);
        assert.deepEqual(await refused.json(), {
          error: 'invalid_parameter',
          detail: 'No message of yours with this id in this chat',
          field: 'messageId',
        });
      }
      assert.deepEqual(
        (await readSession(alice, id)).messages.map((m) => m.id),
        before.messages.map((m) => m.id),
        'a refused edit changes nothing',
      );

      const edited = parseUiStream(await (await send({ message: say(`${id}-b`, 'Second question, edited'), messageId: `${id}-b` })).text());
      assert.equal(edited.at(-1)?.type, 'finish');
      const after = await readSession(alice, id);
      assert.deepEqual(
        after.messages.map((m) => [m.role, textOf(m)]),
        [
          ['user', 'First question'],
          ['assistant', 'Echo: First question'],
          ['user', 'Second question, edited'],
          ['assistant', 'Echo: Second question, edited'],
        ],
      );
      assert.equal(after.messages[2]?.id, `${id}-b`);
      // The model saw the history up to the edit, not the turns it replaced.
      const prompt = JSON.stringify(upstream('Second question, edited').at(-1)?.body);
      assert.match(prompt, /First question/);
      assert.doesNotMatch(prompt, /Third question|"Second question"/);

      // A client id another user's message has is not taken over: the message gets an id of its own.
      await (await send({ message: say(bobMessage, 'Fourth question') })).text();
      const fourth = (await readSession(alice, id)).messages.at(-2)!;
      assert.deepEqual([textOf(fourth), fourth.id === bobMessage], ['Fourth question', false]);
      assert.equal(textOf((await readSession(bob, bobs)).messages[0]), 'Bob asks', "Bob's message untouched");
    });

    test('stop mid-stream: the model call ends at once and the partial reply is stored as stopped', async () => {
      const id = newSessionId();
      const response = await chat(alice, id, 'Go on and on [[slow 20]]');
      const reader = response.body!.getReader();
      await reader.read();
      await new Promise((r) => setTimeout(r, 200));
      const stop = await fetch(`${app.url}/api/sessions/${id}/stop`, { method: 'POST', headers: alice.bearer });
      assert.deepEqual(await stop.json(), { stopped: true });

      let rest = '';
      for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
      assert.match(rest, /event: done\ndata: \{\}\n\n$/, 'the stream ends after the stop');

      const reply = (await readSession(alice, id)).messages[1];
      assert.equal(reply?.status, 'stopped');
      const partial = textOf(reply);
      assert.ok(partial.length > 0 && SLOW_REPLY.startsWith(partial) && partial.length < SLOW_REPLY.length, `partial: ${partial}`);
      await eventually(() => upstream('Go on and on')[0]?.closedEarly === true, 'upstream call aborted');
    });

    test('a second request into a streaming session gets 409, and history never interleaves', async () => {
      const id = newSessionId();
      const first = await chat(alice, id, 'First [[slow 5]]');
      const second = await chat(alice, id, 'Second');
      assert.equal(second.status, 409);
      assert.deepEqual(await second.json(), {
        error: 'session_busy',
        detail: 'A reply is still streaming into this session; wait for it or stop it',
      });
      await first.text();
      await (await chat(alice, id, 'Third')).text();
      const session = await readSession(alice, id);
      assert.deepEqual(
        session.messages.map((m) => [m.role, textOf(m).slice(0, 12)]),
        [
          ['user', 'First [[slow'],
          ['assistant', 'word0 word1 '],
          ['user', 'Third'],
          ['assistant', 'Echo: Third'],
        ],
      );
    });

    test('sessions: listed newest first a page at a time, renamed, deleted', async () => {
      const carol = await newUser(app);
      const ids = [newSessionId(), newSessionId(), newSessionId()];
      for (const id of ids) await (await chat(carol, id, `A question about ${id} that is long enough to need a shorter title`)).text();
      const page = async (query: string) =>
        (await (await fetch(`${app.url}/api/sessions${query}`, { headers: carol.bearer })).json()) as {
          sessions: Array<{ id: string; title: string }>;
          next_cursor: string | null;
        };
      const first = await page('?limit=2');
      assert.deepEqual(
        first.sessions.map((s) => s.id),
        [ids[2], ids[1]],
      );
      assert.ok(first.sessions[0]!.title.length <= 60 && first.sessions[0]!.title.endsWith('…'));
      const second = await page(`?limit=2&cursor=${first.next_cursor}`);
      assert.deepEqual([second.sessions.map((s) => s.id), second.next_cursor], [[ids[0]], null]);

      const renamed = await fetch(`${app.url}/api/sessions/${ids[0]}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...carol.bearer },
        body: JSON.stringify({ title: 'Renamed' }),
      });
      assert.equal(((await renamed.json()) as { title: string }).title, 'Renamed');
      const deleted = await fetch(`${app.url}/api/sessions/${ids[1]}`, { method: 'DELETE', headers: carol.bearer });
      assert.equal(deleted.status, 204);
      assert.equal((await fetch(`${app.url}/api/sessions/${ids[1]}`, { headers: carol.bearer })).status, 404);
      // Renaming counts as activity: the session moves to the top.
      assert.deepEqual(
        (await page('')).sessions.map((s) => [s.id, s.title]),
        [
          [ids[0], 'Renamed'],
          [ids[2], first.sessions[0]!.title],
        ],
      );
    });

    test('search finds sessions by title or message text, in any case, a page at a time, and only the owner’s', async () => {
      const dave = await newUser(app);
      const ids = [newSessionId(), newSessionId(), newSessionId(), newSessionId()];
      await (await chat(dave, ids[0]!, 'Tides and the MOON')).text();
      await (await chat(dave, ids[1]!, 'Something else')).text();
      await (await chat(dave, ids[1]!, 'What pulls the moon round?')).text();
      await (await chat(dave, ids[2]!, 'Nothing to find here')).text();
      await (await chat(dave, ids[3]!, '100% sure_thing')).text();
      await (await chat(bob, newSessionId(), 'Bob also asks about the moon')).text();
      await fetch(`${app.url}/api/sessions/${ids[2]}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...dave.bearer },
        body: JSON.stringify({ title: 'Moonlight, renamed' }),
      });
      type Found = { sessions: Array<{ id: string; title: string; match?: string }>; next_cursor: string | null };
      const search = async (query: string) => {
        const response = await fetch(`${app.url}/api/sessions?${query}`, { headers: dave.bearer });
        assert.equal(response.status, 200, query);
        return (await response.json()) as Found;
      };

      const first = await search('q=Moon&limit=2');
      assert.deepEqual(
        first.sessions.map((s) => s.id),
        [ids[2], ids[1]],
        'newest first: the renamed title, then a message',
      );
      assert.equal(first.sessions[0]!.match, undefined, 'matched by its title alone');
      assert.equal(first.sessions[1]!.match, 'What pulls the moon round?');
      const second = await search(`q=Moon&limit=2&cursor=${first.next_cursor}`);
      assert.deepEqual([second.sessions.map((s) => s.id), second.next_cursor], [[ids[0]], null]);
      assert.equal(second.sessions[0]!.match, 'Tides and the MOON');

      // A reply's text is searched too; LIKE's wildcards are plain characters.
      assert.deepEqual(
        (await search('q=echo%3A+something')).sessions.map((s) => s.id),
        [ids[1]],
      );
      assert.deepEqual(
        (await search('q=0%25+sure_')).sessions.map((s) => s.id),
        [ids[3]],
      );
      assert.deepEqual(
        (await search('q=%25')).sessions.map((s) => s.id),
        [ids[3]],
      );
      assert.deepEqual(
        (await search('q=_')).sessions.map((s) => s.id),
        [ids[3]],
      );
      assert.deepEqual((await search('q=nowhere+at+all')).sessions, []);

      const blank = await fetch(`${app.url}/api/sessions?q=+++`, { headers: dave.bearer });
      assert.equal(blank.status, 400);
      assert.equal(((await blank.json()) as { field: string }).field, 'q');
    });

    test('automatic titles are distinct: a repeated first message gets a number', async () => {
      const erin = await newUser(app);
      const ids = [newSessionId(), newSessionId(), newSessionId()];
      for (const id of ids) await (await chat(erin, id, 'Plan my week')).text();
      const titles = await Promise.all(ids.map(async (id) => (await readSession(erin, id)).title));
      assert.deepEqual(titles, ['Plan my week', 'Plan my week (2)', 'Plan my week (3)']);
      // Another user's titles are theirs alone.
      const other = newSessionId();
      await (await chat(bob, other, 'Plan my week')).text();
      assert.equal((await readSession(bob, other)).title, 'Plan my week');
    });

    for (const credential of ['session cookie', 'API key'] as const) {
      test(`another user gets 404 on everything of the first's, by ${credential}`, async () => {
        const id = newSessionId();
        await (await chat(alice, id, 'Private question')).text();
        const { title } = await readSession(alice, id);
        const auth = credential === 'API key' ? bob.bearer : { cookie: bob.cookie };
        const json = { 'content-type': 'application/json', ...auth };
        const attempts: Array<[string, Promise<Response>]> = [
          ['read', fetch(`${app.url}/api/sessions/${id}`, { headers: auth })],
          ['rename', fetch(`${app.url}/api/sessions/${id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ title: 'Mine' }) })],
          ['delete', fetch(`${app.url}/api/sessions/${id}`, { method: 'DELETE', headers: auth })],
          ['stop', fetch(`${app.url}/api/sessions/${id}/stop`, { method: 'POST', headers: auth })],
          [
            'stream into (envelope)',
            fetch(`${app.url}/api/chat`, { method: 'POST', headers: json, body: JSON.stringify({ session_id: id, message: 'Hi' }) }),
          ],
          ['stream into (UI)', uiChat(auth, id, 'Hi')],
        ];
        for (const [what, attempt] of attempts) {
          const response = await attempt;
          assert.equal(response.status, 404, what);
          assert.equal(((await response.json()) as { error: string }).error, 'not_found', what);
        }
        const listed = (await (await fetch(`${app.url}/api/sessions`, { headers: auth })).json()) as { sessions: Array<{ id: string }> };
        assert.ok(!listed.sessions.some((s) => s.id === id));

        const session = await readSession(alice, id);
        assert.deepEqual([session.title, session.messages.length], [title, 2], 'untouched');
        assert.equal(upstream('"Hi"').length, 0, 'no model call was made for the intruder');
      });
    }

    test("another user cannot revoke a user's key; a revoked key gets 401 at once", async () => {
      const { id, key } = await createKey(app, alice.bearer, 'to revoke');
      const auth = { authorization: `Bearer ${key}` };
      assert.equal((await fetch(`${app.url}/api/me`, { headers: auth })).status, 200);
      assert.equal((await fetch(`${app.url}/api/keys/${id}`, { method: 'DELETE', headers: bob.bearer })).status, 404);
      assert.equal((await fetch(`${app.url}/api/me`, { headers: auth })).status, 200);

      assert.equal((await fetch(`${app.url}/api/keys/${id}`, { method: 'DELETE', headers: alice.bearer })).status, 204);
      const refused = await fetch(`${app.url}/api/me`, { headers: auth });
      assert.equal(refused.status, 401);
      assert.equal(((await refused.json()) as { error: string }).error, 'unauthorized');
      const listed = (await (await fetch(`${app.url}/api/keys`, { headers: alice.bearer })).json()) as {
        keys: Array<{ id: string }>;
        revoked: Array<{ id: string; revoked_at: string }>;
      };
      assert.ok(!listed.keys.some((k) => k.id === id));
      // The revoked key stays on record, with when it was revoked; never Bob's list.
      const record = listed.revoked.find((k) => k.id === id);
      assert.ok(record, 'the revoked key is listed as revoked');
      assert.ok(Math.abs(Date.parse(record.revoked_at) - Date.now()) < 60_000, record.revoked_at);
      const bobs = (await (await fetch(`${app.url}/api/keys`, { headers: bob.bearer })).json()) as { revoked: Array<{ id: string }> };
      assert.ok(!bobs.revoked.some((k) => k.id === id));
    });

    test('usage is recorded per user for every endpoint', async () => {
      const dave = await newUser(app);
      await fetchFrames(`${app.url}/api/stream?q=count+me`, { headers: dave.bearer });
      await (await chat(dave, newSessionId(), 'and me')).text();
      const usage = async () =>
        ((await (await fetch(`${app.url}/api/me`, { headers: dave.bearer })).json()) as { usage: Record<string, number> }).usage;
      await eventually(async () => (await usage()).runs === 2, 'both runs recorded');
      assert.deepEqual(await usage(), {
        runs: 2,
        input_tokens: 2 * PROMPT_TOKENS,
        output_tokens: 3 + 3,
        total_tokens: 2 * PROMPT_TOKENS + 6,
      });
    });
  });
}
