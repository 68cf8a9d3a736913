import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@libsql/client';
import pg from 'pg';
import { startApp, type Database, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { fetchFrames } from '../support/sse';
import { newUser, type TestUser } from '../support/users';

// GET /api/usage end to end over HTTP against the built app: runs the test makes (complete,
// stopped through the stop endpoint, stopped by a client that leaves, failed) are counted once
// each, with the tokens their replies reported, per day and model; rows from before outcomes were
// kept count as complete; another user sees none of it. Run once per database.

interface Tally {
  runs: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}
interface Usage {
  since: string;
  days: Array<Tally & { date: string; models: Array<Tally & { model: string }> }>;
  today: {
    date: string;
    input_tokens: number;
    output_tokens: number;
    budget: { input_tokens: number | null; output_tokens: number | null };
    resets_at: string;
  };
  runs: { complete: number; stopped: number; failed: number };
}

/** One SQL statement with `$1`-style arguments, in order (each is `?` on SQLite); the first row's `n`, when asked. */
async function sql(app: RunningApp, statement: string, args: string[]): Promise<number> {
  if (app.database === 'sqlite') {
    const database = createClient({ url: app.databaseUrl });
    try {
      return Number((await database.execute({ sql: statement.replace(/\$\d+/g, '?'), args })).rows[0]?.n ?? 0);
    } finally {
      database.close();
    }
  }
  const database = new pg.Client({ connectionString: app.databaseUrl });
  await database.connect();
  try {
    return Number((await database.query<{ n: string }>(statement, args)).rows[0]?.n ?? 0);
  } finally {
    await database.end();
  }
}

const MODEL = 'openai-chat:fake-model';
const OLDER_MODEL = 'openai-chat:older-model';

export function describeUsage(database: Database) {
  describe(`GET /api/usage on ${database}`, () => {
    let fake: FakeOpenAI;
    let app: RunningApp;
    let alice: TestUser;
    let bob: TestUser;

    const usageOf = async (auth: Record<string, string>): Promise<Usage> => {
      const response = await fetch(`${app.url}/api/usage`, { headers: auth });
      assert.equal(response.status, 200);
      return (await response.json()) as Usage;
    };
    const stream = (user: TestUser, prompt: string) =>
      fetchFrames(`${app.url}/api/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify({ q: prompt }),
      });
    const usageFrame = (frames: Array<{ event?: string; data: unknown }>) => frames.find((frame) => frame.event === 'usage')?.data as Tally;
    const userId = async (user: TestUser) =>
      ((await (await fetch(`${app.url}/api/me`, { headers: user.bearer })).json()) as { id: string }).id;

    before(async () => {
      fake = await startFakeOpenAI();
      app = await startApp(
        { MODEL, OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test', DAILY_TOKEN_BUDGET: '100000', DAILY_INPUT_TOKEN_BUDGET: '0' },
        database,
      );
      [alice, bob] = [await newUser(app), await newUser(app)];
    });
    after(async () => {
      await app?.stop();
      await fake?.close();
    });

    test('each run counts once, by outcome, with the tokens its reply reported, per day and model; owner-scoped', async () => {
      const empty = await usageOf(alice.bearer);
      assert.equal(empty.days.length, 30, 'thirty days, empty ones too');
      assert.equal(empty.days.at(-1)?.date, empty.today.date, 'the last day is today');
      assert.equal(empty.since, empty.days[0]?.date);
      assert.deepEqual(empty.runs, { complete: 0, stopped: 0, failed: 0 });
      assert.deepEqual(empty.today.budget, { input_tokens: null, output_tokens: 100000 }, 'a budget of 0 is none: null');

      // Two complete runs, with the usage their streams reported.
      const first = usageFrame((await stream(alice, 'Hello there')).frames);
      const second = usageFrame((await stream(alice, 'A longer question for the model')).frames);
      assert.ok(first.output_tokens > 0 && second.output_tokens > 0, 'the replies reported usage');

      // Stopped with the stop endpoint, mid-reply, in a chat.
      const sessionId = `usage-${Date.now().toString(36)}`;
      const chat = await fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice.bearer },
        body: JSON.stringify({ session_id: sessionId, message: 'Go on and on [[slow 20]]' }),
      });
      const reader = chat.body!.getReader();
      await reader.read();
      const stop = await fetch(`${app.url}/api/sessions/${sessionId}/stop`, { method: 'POST', headers: alice.bearer });
      assert.deepEqual(await stop.json(), { stopped: true });
      while (!(await reader.read()).done);

      // Stopped by a client that leaves a stateless stream.
      const leaving = new AbortController();
      const left = await fetch(`${app.url}/api/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice.bearer },
        body: JSON.stringify({ q: 'Keep talking [[slow 20]]' }),
        signal: leaving.signal,
      });
      await left.body!.getReader().read();
      leaving.abort();

      // Failed: the provider refuses the call.
      const failed = await stream(alice, 'Refused [[status 400]]');
      assert.equal(failed.frames.find((frame) => frame.event === 'error')?.event, 'error', 'the run failed');

      await eventually(async () => (await usageOf(alice.bearer)).runs.stopped === 2, 'both stopped runs recorded');
      const usage = await usageOf(alice.bearer);
      assert.deepEqual(usage.runs, { complete: 2, stopped: 2, failed: 1 }, 'each run once, by how it ended');
      const today = usage.days.at(-1)!;
      // The stopped and failed runs finished no step: they count as runs, with no tokens.
      const input = first.input_tokens + second.input_tokens;
      const output = first.output_tokens + second.output_tokens;
      assert.deepEqual(today.models, [{ model: MODEL, runs: 5, input_tokens: input, output_tokens: output, total_tokens: input + output }]);
      assert.deepEqual({ input: usage.today.input_tokens, output: usage.today.output_tokens }, { input, output }, "today's totals");
      assert.ok(
        usage.days.slice(0, -1).every((day) => day.runs === 0 && day.models.length === 0),
        'nothing on the other days',
      );

      // Bob made no runs and sees none of Alice's, by key or by cookie.
      for (const auth of [bob.bearer, { cookie: bob.cookie }]) {
        const bobs = await usageOf(auth);
        assert.deepEqual(bobs.runs, { complete: 0, stopped: 0, failed: 0 });
        assert.ok(
          bobs.days.every((day) => day.models.length === 0),
          "none of Alice's runs",
        );
        assert.equal(bobs.today.input_tokens + bobs.today.output_tokens, 0);
      }

      // A row written before runs kept their outcome (no outcome given) counts as complete, under its own model.
      const id = await userId(alice);
      await eventually(
        async () => (await sql(app, 'SELECT COUNT(*) AS n FROM "TokenUsage" WHERE "userId" = $1', [id])) === 5,
        'the batch written',
      );
      await sql(
        app,
        `INSERT INTO "TokenUsage" ("id", "userId", "endpoint", "model", "inputTokens", "outputTokens", "totalTokens", "createdAt")
         SELECT 'legacy-usage', "userId", "endpoint", $1, 7, 11, 18, "createdAt" FROM "TokenUsage" WHERE "userId" = $2 LIMIT 1`,
        [OLDER_MODEL, id],
      );
      assert.equal(await sql(app, 'SELECT COUNT(*) AS n FROM "TokenUsage" WHERE "userId" = $1', [id]), 6, 'the older row is in');
      const withLegacy = await usageOf(alice.bearer);
      assert.deepEqual(withLegacy.runs, { complete: 3, stopped: 2, failed: 1 });
      assert.deepEqual(
        withLegacy.days
          .at(-1)
          ?.models.map(({ model, runs, input_tokens, output_tokens }) => ({ model, runs, input_tokens, output_tokens })),
        [
          { model: MODEL, runs: 5, input_tokens: input, output_tokens: output },
          { model: OLDER_MODEL, runs: 1, input_tokens: 7, output_tokens: 11 },
        ],
        'grouped per model, in name order',
      );
      assert.equal(withLegacy.days.at(-1)?.runs, 6);
      assert.equal(withLegacy.today.output_tokens, output + 11);
      assert.deepEqual((await usageOf(bob.bearer)).runs, { complete: 0, stopped: 0, failed: 0 }, 'still nothing for Bob');
    });
  });
}
