import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { startApp, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { newUser, type TestUser } from '../support/users';

// A bounded soak: SOAK_SECONDS (default 120) of mixed concurrent traffic against the built app
// and the fake OpenAI server streaming paced tokens: chat turns on /api/chat and /api/ui/chat,
// AG-UI runs, reports, events with a tool call, clients that leave mid-stream and stops. At the
// end the server's memory is flat after warm-up, every chat turn that started is stored exactly
// once and ended, no upstream connection is left open and the server's open files are back
// near where they were.

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 6);
/** Memory and file handles are read once this share of the run has passed. */
const WARM_UP = 0.3;

let fake: FakeOpenAI;
let app: RunningApp;
let users: TestUser[] = [];

before(async () => {
  fake = await startFakeOpenAI();
  app = await startApp({
    MODEL: 'openai-chat:fake-model',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'sk-test',
    MODEL_IDLE_TIMEOUT_MS: '5000',
    // Memory is read after a full collection (see the sampler below).
    NODE_OPTIONS: `--expose-gc --require ${resolve('tests/support/gc-on-signal.cjs')}`,
  });
  users = await Promise.all(Array.from({ length: 4 }, () => newUser(app)));
});
after(async () => {
  await app?.stop();
  await fake?.close();
});

const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${app.pid()}/status`, 'utf8'))?.[1]) / 1024;
/** The server's open files: SQLite's (the database, its WAL and shared memory) and the others. */
function openFiles(): { sqlite: number; other: number } {
  let sqlite = 0;
  let other = 0;
  for (const fd of readdirSync(`/proc/${app.pid()}/fd`)) {
    try {
      if (/streamwright\.db/.test(readlinkSync(`/proc/${app.pid()}/fd/${fd}`))) sqlite++;
      else other++;
    } catch {
      // closed meanwhile
    }
  }
  return { sqlite, other };
}
/** What the server's open files are, by kind (socket, pipe, anon_inode:…, or the file's path). */
function fileKinds(): string {
  const kinds = new Map<string, number>();
  for (const fd of readdirSync(`/proc/${app.pid()}/fd`)) {
    let target = 'gone';
    try {
      target = readlinkSync(`/proc/${app.pid()}/fd/${fd}`).replace(/:\[\d+\]$/, '');
    } catch {
      // closed meanwhile
    }
    kinds.set(target, (kinds.get(target) ?? 0) + 1);
  }
  return [...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ');
}

/** Chat turns started (answered 200), by session, and how each one was meant to end. */
const turns = new Map<string, { user: TestUser; ending: 'complete' | 'stopped' | 'any' }>();
const counts = new Map<string, number>();
const tally = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1);

const json = (user: TestUser) => ({ 'content-type': 'application/json', ...user.bearer });
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Reads a body to its end; the bytes read. */
async function drain(response: Response): Promise<string> {
  assert.equal(response.status, 200, `${response.url}: ${response.status}`);
  return response.text();
}

/** Reads the first chunk of a body; the reader, to cancel or drain. */
async function firstChunk(response: Response) {
  assert.equal(response.status, 200, `${response.url}: ${response.status}`);
  const reader = response.body!.getReader();
  await reader.read();
  return reader;
}

const actions: Record<string, (user: TestUser) => Promise<void>> = {
  async chat(user) {
    const id = randomUUID();
    const response = await fetch(`${app.url}/api/chat`, {
      method: 'POST',
      headers: json(user),
      body: JSON.stringify({ session_id: id, message: 'Soak chat [[slow 10]]' }),
    });
    turns.set(id, { user, ending: 'complete' });
    assert.match(await drain(response), /event: done\ndata: \{\}\n\n$/);
  },
  async uiChat(user) {
    const id = randomUUID();
    const response = await fetch(`${app.url}/api/ui/chat`, {
      method: 'POST',
      headers: json(user),
      body: JSON.stringify({ id, message: { role: 'user', parts: [{ type: 'text', text: 'Soak UI chat [[slow 10]]' }] } }),
    });
    turns.set(id, { user, ending: 'complete' });
    assert.match(await drain(response), /data: \[DONE\]\n\n$/);
  },
  async agUi(user) {
    const threadId = randomUUID();
    const response = await fetch(`${app.url}/api/ag-ui`, {
      method: 'POST',
      headers: json(user),
      body: JSON.stringify({
        threadId,
        runId: randomUUID(),
        messages: [{ id: 'u1', role: 'user', content: 'Soak AG-UI [[slow 10]]' }],
        tools: [],
        context: [],
        state: {},
      }),
    });
    turns.set(threadId, { user, ending: 'complete' });
    assert.match(await drain(response), /"type":"RUN_FINISHED"/);
  },
  async report(user) {
    const response = await fetch(`${app.url}/api/stream/structured?q=Soak+report&debounce_ms=0`, { headers: user.bearer });
    assert.match(await drain(response), /event: result\n/);
  },
  async events(user) {
    const q = 'Soak price [[call lookup_price {"product":"Desk lamp"}]]';
    const response = await fetch(`${app.url}/api/stream/events?q=${encodeURIComponent(q)}`, { headers: user.bearer });
    assert.match(await drain(response), /"type":"tool_result"/);
  },
  async leaveStream(user) {
    const leaving = new AbortController();
    const response = await fetch(`${app.url}/api/stream/text?q=${encodeURIComponent('Soak leaving [[slow 10]]')}`, {
      headers: user.bearer,
      signal: leaving.signal,
    });
    await firstChunk(response);
    leaving.abort();
  },
  async leaveChat(user) {
    const id = randomUUID();
    const leaving = new AbortController();
    const response = await fetch(`${app.url}/api/chat`, {
      method: 'POST',
      headers: json(user),
      body: JSON.stringify({ session_id: id, message: 'Soak leave [[slow 10]]' }),
      signal: leaving.signal,
    });
    turns.set(id, { user, ending: 'complete' });
    await firstChunk(response);
    leaving.abort();
  },
  async stop(user) {
    const id = randomUUID();
    const response = await fetch(`${app.url}/api/chat`, {
      method: 'POST',
      headers: json(user),
      body: JSON.stringify({ session_id: id, message: 'Soak stop [[slow 20]]' }),
    });
    turns.set(id, { user, ending: 'stopped' });
    const reader = await firstChunk(response);
    const stop = await fetch(`${app.url}/api/sessions/${id}/stop`, { method: 'POST', headers: user.bearer });
    assert.deepEqual(await stop.json(), { stopped: true });
    while (!(await reader.read()).done) {
      // the stream ends once the turn is stopped and stored
    }
  },
};

test(`soak: ${SECONDS} s of mixed traffic from ${WORKERS} clients`, { timeout: (SECONDS + 120) * 1000 }, async () => {
  const started = Date.now();
  const end = started + SECONDS * 1000;
  const samples: Array<{ at: number; rss: number }> = [];
  let warm: { rss: number; files: { sqlite: number; other: number }; kinds: string } | undefined;
  // RSS after a full collection: what the server keeps, not garbage V8 has yet to collect (on a
  // machine with memory to spare it collects lazily, and RSS then wanders by hundreds of MB).
  const sampler = setInterval(() => {
    const at = (Date.now() - started) / 1000;
    process.kill(app.pid(), 'SIGUSR2');
    setTimeout(() => samples.push({ at, rss: rssMb() }), 500);
  }, 4000);

  const failures: string[] = [];
  const worker = async (index: number) => {
    const user = users[index % users.length]!;
    while (Date.now() < end) {
      const name = pick(Object.keys(actions));
      try {
        await actions[name]!(user);
        tally(name);
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!warm && Date.now() - started >= SECONDS * 1000 * WARM_UP) warm = { rss: rssMb(), files: openFiles(), kinds: fileKinds() };
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
  clearInterval(sampler);
  assert.deepEqual(failures, [], 'every request answered as expected');
  assert.ok(warm, 'the run passed its warm-up');

  // Every chat turn that started is stored once, and has ended the way it was meant to.
  await eventually(
    async () => {
      for (const [id, { user }] of turns) {
        const session = (await (await fetch(`${app.url}/api/sessions/${id}`, { headers: user.bearer })).json()) as {
          messages: Array<{ status: string }>;
        };
        if (session.messages.some((m) => m.status === 'streaming')) return false;
      }
      return true;
    },
    'every reply stored',
    30_000,
  );
  for (const [id, { user, ending }] of turns) {
    const session = (await (await fetch(`${app.url}/api/sessions/${id}`, { headers: user.bearer })).json()) as {
      messages: Array<{ role: string; status: string; parts: Array<{ type: string; text?: string }> }>;
    };
    assert.deepEqual(
      session.messages.map((m) => m.role),
      ['user', 'assistant'],
      `${id}: one turn, stored once`,
    );
    const reply = session.messages[1]!;
    if (ending !== 'any') assert.equal(reply.status, ending, `${id}: ${ending}`);
    const text = reply.parts.map((p) => p.text ?? '').join('');
    if (ending === 'complete') assert.ok(text.endsWith('word199'), `${id}: the whole reply`);
  }
  const listed = await Promise.all(
    users.map(async (user) => {
      let total = 0;
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const page = (await (
          await fetch(`${app.url}/api/sessions?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: user.bearer })
        ).json()) as {
          sessions: unknown[];
          next_cursor: string | null;
        };
        total += page.sessions.length;
        cursor = page.next_cursor;
      }
      return total;
    }),
  );
  assert.equal(
    listed.reduce((a, b) => a + b, 0),
    turns.size,
    'as many sessions as turns started, none twice',
  );

  // No upstream call left open: every request the fake saw has ended, and its connections close
  // once idle (the fake server's keep-alive timeout is 5 s).
  await eventually(() => fake.openRequests() === 0, 'every upstream request ended', 15_000);
  await eventually(() => fake.openSockets() === 0, 'every upstream connection closed', 15_000);

  // Open files back near the warm baseline: every socket to a client or upstream closed, no
  // pipe or event handle left behind. A few may be mid-close.
  await eventually(
    () => openFiles().other <= warm!.files.other + 5,
    `open files back near ${warm!.files.other} (${warm!.kinds}); now ${fileKinds()}`,
    15_000,
  );
  // SQLite's files (database, WAL, shared memory) stay what a bounded pool of connections holds:
  // a connection left open per transaction would add two each chat turn.
  assert.ok(openFiles().sqlite <= warm.files.sqlite + 6, `SQLite files ${warm.files.sqlite} after warm-up, now ${fileKinds()}`);

  // Memory flat after warm-up: the median of the last samples against the first ones after the
  // warm-up, within 50 MB (the allocator, compiled code, Next.js filling its caches). Measured: a
  // clean 120 s run moved by 0 to 30 MB; one that keeps 200 KB a request grows by 30 MB a minute.
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const afterWarmUp = samples.filter((s) => s.at >= SECONDS * WARM_UP);
  const early = median(afterWarmUp.slice(0, 5).map((s) => s.rss));
  const late = median(afterWarmUp.slice(-5).map((s) => s.rss));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `soak: ${total} runs (${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}), ${turns.size} chat turns; ` +
      `RSS ${early.toFixed(0)} MB after warm-up, ${late.toFixed(0)} MB at the end (peak ${Math.max(...samples.map((s) => s.rss)).toFixed(0)}); ` +
      `open files ${JSON.stringify(warm.files)} → ${JSON.stringify(openFiles())}`,
  );
  assert.ok(late <= early + 50, `RSS grew from ${early.toFixed(0)} MB to ${late.toFixed(0)} MB`);
});
