import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@libsql/client';
import pg from 'pg';
import { startApp, type Database, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { createKey, newUser, signIn, type TestUser } from '../support/users';

// Deleting an account (DELETE /api/me), end to end over HTTP against the built app, with the
// database read directly to see what is left of the user: only the right password deletes, and
// then everything of theirs goes at once, replies streaming into their chats included, while
// another user's data stays. Run once per database.

/** A user's rows in every table that holds something of theirs. */
type Rows = Record<'users' | 'apiKeys' | 'authSessions' | 'chatSessions' | 'messages' | 'tokenUsage' | 'reports', number>;

const NOTHING: Rows = { users: 0, apiKeys: 0, authSessions: 0, chatSessions: 0, messages: 0, tokenUsage: 0, reports: 0 };

/** Counts with SQL the two databases share (`$1`-style arguments, as `?` on SQLite). */
async function countRows(app: RunningApp, userId: string, sessionIds: string[]): Promise<Rows> {
  const byUser = (table: string, column = 'userId'): [string, string[]] => [
    `SELECT COUNT(*) AS n FROM "${table}" WHERE "${column}" = $1`,
    [userId],
  ];
  const queries: Record<keyof Rows, [string, string[]]> = {
    users: byUser('User', 'id'),
    apiKeys: byUser('ApiKey'),
    authSessions: byUser('AuthSession'),
    chatSessions: byUser('ChatSession'),
    // By the user's session ids: a message names its session, not its user.
    messages: [
      `SELECT COUNT(*) AS n FROM "Message" WHERE "sessionId" IN (${sessionIds.map((_, i) => `$${i + 1}`).join(', ') || 'NULL'})`,
      sessionIds,
    ],
    tokenUsage: byUser('TokenUsage'),
    reports: byUser('Report'),
  };
  const rows = {} as Rows;
  if (app.database === 'sqlite') {
    const database = createClient({ url: app.databaseUrl });
    try {
      for (const [name, [sql, args]] of Object.entries(queries)) {
        rows[name as keyof Rows] = Number((await database.execute({ sql: sql.replace(/\$\d+/g, '?'), args })).rows[0]!.n);
      }
    } finally {
      database.close();
    }
    return rows;
  }
  const database = new pg.Client({ connectionString: app.databaseUrl });
  await database.connect();
  try {
    for (const [name, [sql, args]] of Object.entries(queries))
      rows[name as keyof Rows] = Number((await database.query<{ n: string }>(sql, args)).rows[0]!.n);
  } finally {
    await database.end();
  }
  return rows;
}

export function describeAccountDeletion(database: Database) {
  describe(`deleting an account on ${database}`, () => {
    let fake: FakeOpenAI;
    let app: RunningApp;

    before(async () => {
      fake = await startFakeOpenAI();
      app = await startApp({ MODEL: 'openai-chat:fake-model', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test' }, database);
    });
    after(async () => {
      await app?.stop();
      await fake?.close();
    });

    const deleteAccount = (auth: Record<string, string>, body: unknown) =>
      fetch(`${app.url}/api/me`, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify(body),
      });
    const byCookie = (user: TestUser) => ({ cookie: user.cookie, origin: app.url });
    const me = (auth: Record<string, string>) => fetch(`${app.url}/api/me`, { headers: auth });
    const idOf = async (user: TestUser) => ((await (await me(user.bearer)).json()) as { id: string }).id;
    const errorsLogged = (since: number) =>
      app
        .output()
        .slice(since)
        .split('\n')
        .filter((line) => /"level":"error"|route_failed|uncaught|unhandled/i.test(line));

    /** A user with something in every table: a chat (with usage), a report, a second key and two browsers. */
    async function userWithData() {
      const user = await newUser(app);
      const session = randomUUID();
      const chat = await fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify({ session_id: session, message: 'Keep this' }),
      });
      assert.match(await chat.text(), /event: done/);
      const report = await fetch(`${app.url}/api/ui/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify({ topic: 'Tides' }),
      });
      assert.equal(report.status, 200);
      await report.text();
      const spare = await createKey(app, user.bearer, 'spare');
      const secondBrowser = await signIn(app, user.email, user.password);
      assert.ok(secondBrowser);
      const id = await idOf(user);
      const expected = { users: 1, apiKeys: 2, authSessions: 2, chatSessions: 1, messages: 2, tokenUsage: 2, reports: 1 };
      // Usage is written in batches, and the report is stored as its stream ends.
      await eventually(
        async () => JSON.stringify(await countRows(app, id, [session])) === JSON.stringify(expected),
        'every row of the user is written',
      );
      return { user, id, sessions: [session], spareKey: spare.key, secondBrowser };
    }

    test('a wrong or missing password is refused with invalid_parameter, and nothing is deleted', async () => {
      const { user, id, sessions, spareKey, secondBrowser } = await userWithData();
      const rows = await countRows(app, id, sessions);
      for (const auth of [byCookie(user), user.bearer]) {
        const wrong = await deleteAccount(auth, { password: 'not the password' });
        assert.equal(wrong.status, 400);
        assert.deepEqual(await wrong.json(), {
          error: 'invalid_parameter',
          detail: "password: is not the account's password",
          field: 'password',
        });
        const missing = await deleteAccount(auth, {});
        assert.deepEqual(
          [missing.status, await missing.json()],
          [400, { error: 'invalid_parameter', detail: 'password: required', field: 'password' }],
        );
      }
      assert.deepEqual(await countRows(app, id, sessions), rows);
      for (const auth of [byCookie(user), user.bearer, { authorization: `Bearer ${spareKey}` }, { cookie: secondBrowser }])
        assert.equal((await me(auth)).status, 200);
      assert.ok(await signIn(app, user.email, user.password), 'the password still signs in');
    });

    test("the right password deletes everything of the user's, their cookies and keys are refused at once, and another user's data stays", async () => {
      const alice = await userWithData();
      const bob = await userWithData();
      const bobRows = await countRows(app, bob.id, bob.sessions);
      const since = app.output().length;
      // Both keys are in the server's key cache now.
      for (const key of [alice.user.key, alice.spareKey]) assert.equal((await me({ authorization: `Bearer ${key}` })).status, 200);

      const deleted = await deleteAccount(byCookie(alice.user), { password: alice.user.password });
      assert.equal(deleted.status, 204, await deleted.clone().text());
      const cleared = deleted.headers.getSetCookie().find((line) => line.startsWith('next-auth.session-token='));
      assert.ok(cleared, 'the answer removes the session cookie');
      assert.match(cleared, /^next-auth\.session-token=;/);
      assert.match(cleared, /Max-Age=0/);

      for (const auth of [
        byCookie(alice.user),
        { cookie: alice.secondBrowser },
        alice.user.bearer,
        { authorization: `Bearer ${alice.spareKey}` },
      ]) {
        assert.equal((await me(auth)).status, 401, JSON.stringify(auth));
      }
      assert.equal(await signIn(app, alice.user.email, alice.user.password), undefined, 'the account no longer signs in');
      assert.deepEqual(await countRows(app, alice.id, alice.sessions), NOTHING);

      assert.deepEqual(await countRows(app, bob.id, bob.sessions), bobRows, "Bob's rows are all there");
      for (const auth of [byCookie(bob.user), bob.user.bearer]) assert.equal((await me(auth)).status, 200);
      assert.equal((await fetch(`${app.url}/api/sessions/${bob.sessions[0]}`, { headers: bob.user.bearer })).status, 200);
      assert.deepEqual(errorsLogged(since), []);
    });

    test('an API key can delete its account too, and is refused from then on', async () => {
      const { user, id, sessions } = await userWithData();
      assert.equal((await deleteAccount(user.bearer, { password: user.password })).status, 204);
      assert.equal((await me(user.bearer)).status, 401);
      assert.deepEqual(await countRows(app, id, sessions), NOTHING);
    });

    test('deleted while replies stream: the chat reply stops at once, nothing of the user is left, nothing fails, and usage of others written beside it stays', async () => {
      const alice = await newUser(app);
      const bob = await newUser(app);
      const [aliceId, bobId] = [await idOf(alice), await idOf(bob)];
      const since = app.output().length;
      const session = randomUUID();
      // 200 tokens, 20 ms apart: about 4 s each.
      const chat = await fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice.bearer },
        body: JSON.stringify({ session_id: session, message: 'Deleted mid-reply [[slow 20]]' }),
      });
      const reader = chat.body!.getReader();
      await reader.read();
      // A stream that is not a chat turn runs to its end and reports its usage after the account
      // is gone; Bob's stream, started with it, ends at the same moment, so his usage joins the
      // same batch.
      const stream = (user: TestUser) =>
        fetch(`${app.url}/api/stream/text?q=${encodeURIComponent('Outlive it [[slow 20]]')}`, { headers: user.bearer }).then((r) =>
          r.text(),
        );
      const [aliceStream, bobStream] = [stream(alice), stream(bob)];
      await new Promise((resolve) => setTimeout(resolve, 300));

      const started = Date.now();
      assert.equal((await deleteAccount(byCookie(alice), { password: alice.password })).status, 204);
      let rest = '';
      for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
      assert.match(rest, /event: done\ndata: \{\}\n\n$/, 'the chat stream ends');
      assert.ok(Date.now() - started < 2000, `the chat reply stopped at once, not at its end (${Date.now() - started} ms)`);
      await eventually(
        () => fake.requests.find((r) => JSON.stringify(r.body).includes('Deleted mid-reply'))?.closedEarly === true,
        "the model call of Alice's chat is aborted",
      );

      assert.match(await aliceStream, /event: done/);
      assert.match(await bobStream, /event: done/);
      await eventually(async () => (await countRows(app, bobId, [])).tokenUsage === 1, "Bob's usage is written");
      // Past the next batch of usage, which would hold anything still waiting for Alice.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(await countRows(app, aliceId, [session]), NOTHING);
      assert.deepEqual(errorsLogged(since), []);
      assert.equal((await fetch(`${app.url}/api/health`)).status, 200);
      assert.equal((await me(bob.bearer)).status, 200);
    });
  });
}
