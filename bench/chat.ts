import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startApp, type Database, type RunningApp } from '../tests/support/app';
import { newUser, type TestUser } from '../tests/support/users';
import { forEachFrame } from './frames';
import { productSettings, startUpstream, type UpstreamRequest } from './upstream';

// The chat scenario: turns through /api/chat (stored history, SSE envelope) on SQLite, then on
// PostgreSQL, against the bench upstream. Two measures per database:
// - throughput: SESSIONS sessions at once, each taking TURNS turns back to back;
// - the cost of a turn as its history grows: sessions holding HISTORY stored turns, each taking
//   SAMPLES more one at a time (wall time and the server's CPU).
// Every turn is checked: its reply arrives complete, ends with `event: done`, and the upstream
// got the whole stored history (2 messages per earlier turn, then the new one).
// No bare relay keeps a history, so there is no floor; figures are the product's alone.

const TOKENS = 20;
const SESSIONS = 20;
const TURNS = 10;
const HISTORY = [0, 10, 50, 200];
const SAMPLES = 20;

/** A row of the benchmark's table. */
export interface Row {
  scenario: string;
  figure: string;
  product: string;
  /** The product on the stock provider (OPENAI_PROVIDER=stock), where measured. */
  stock: string;
  floor: string;
  ratio: string;
  target: string;
  /** `met` or `not met` where the target can be judged. */
  met: string;
}

const now = () => performance.now();
const EXPECTED = Array.from({ length: TOKENS }, (_, i) => ` t${i}`).join('');

/** CPU seconds (user + system) of a process, from /proc (as bench/run.ts reads it). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** The text of a message as the upstream got it (a string, or text parts). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part: { text?: string }) => part.text ?? '').join('');
  return '';
}

class Chat {
  /** For each user message (unique per turn): how many user and assistant messages the upstream got with it. */
  private readonly received = new Map<string, number>();
  failures = 0;

  constructor(
    private readonly app: RunningApp,
    private readonly user: TestUser,
  ) {}

  seen(body: UpstreamRequest) {
    const conversation = body.messages.filter((m) => m.role === 'user' || m.role === 'assistant');
    this.received.set(textOf(conversation.at(-1)?.content), conversation.length);
  }

  /** One turn: the session's `turn`-th message, read to `event: done`; returns its wall time in ms. */
  async turn(sessionId: string, turn: number): Promise<number> {
    const message = `${sessionId} turn ${turn}`;
    const started = now();
    let text = '';
    let done = false;
    let error = false;
    try {
      const response = await fetch(`${this.app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.user.bearer },
        body: JSON.stringify({ session_id: sessionId, message }),
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      await forEachFrame(response, ({ event, data }) => {
        if (event === 'done') done = true;
        else if (event === 'error') error = true;
        else if (event === undefined) text += (JSON.parse(data) as { text?: string }).text ?? '';
      });
    } catch {
      error = true;
    }
    const elapsed = now() - started;
    if (error || !done || text !== EXPECTED || this.received.get(message) !== 2 * turn + 1) this.failures++;
    return elapsed;
  }
}

async function onDatabase(database: Database): Promise<Row[]> {
  let chat: Chat | undefined;
  const upstream = await startUpstream(TOKENS, 0, (body) => chat?.seen(body));
  const app = await startApp(productSettings(upstream.baseURL), database);
  try {
    chat = new Chat(app, await newUser(app));
    const c = chat;
    const pid = app.pid();
    const tag = randomBytes(3).toString('hex');
    const sessions = (name: string, count: number) => Array.from({ length: count }, (_, i) => `bench-${tag}-${name}-${i}`);
    const takeTurns = async (id: string, from: number, to: number) => {
      const times: number[] = [];
      for (let turn = from; turn < to; turn++) times.push(await c.turn(id, turn));
      return times;
    };

    // Warm-up: compiled routes, connections, JIT.
    await Promise.all(sessions('warm', 4).map((id) => takeTurns(id, 0, 5)));

    // Throughput: SESSIONS sessions at once, TURNS turns each.
    const cpuBefore = cpuSeconds(pid);
    const started = now();
    await Promise.all(sessions('load', SESSIONS).map((id) => takeTurns(id, 0, TURNS)));
    const seconds = (now() - started) / 1000;
    const cpuPerTurn = ((cpuSeconds(pid) - cpuBefore) * 1000) / (SESSIONS * TURNS);

    // Growth: one session per history length, grown to it unmeasured; then SAMPLES rounds of one
    // measured turn in each, so a burst of load elsewhere touches every length alike.
    const grown = sessions('history', HISTORY.length);
    await Promise.all(grown.map((id, i) => takeTurns(id, 0, HISTORY[i]!)));
    const wall = HISTORY.map((): number[] => []);
    const cpu = HISTORY.map(() => 0);
    for (let round = 0; round < SAMPLES; round++) {
      for (const [i, id] of grown.entries()) {
        const before = cpuSeconds(pid);
        wall[i]!.push(await c.turn(id, HISTORY[i]! + round));
        cpu[i]! += cpuSeconds(pid) - before;
      }
    }

    const name = database === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const load = `chat on ${name}, ${SESSIONS} sessions × ${TURNS} turns`;
    const growth = `chat on ${name}, one turn at a time`;
    const at = HISTORY.join(' / ');
    const row = (scenario: string, figure: string, product: string): Row => ({
      scenario,
      figure,
      product,
      stock: '',
      floor: '',
      ratio: '',
      target: '',
      met: '',
    });
    return [
      row(load, 'turns per second', fmt((SESSIONS * TURNS) / seconds, 0)),
      row(load, 'server CPU per turn (ms)', fmt(cpuPerTurn, 1)),
      row(growth, `turn time, median, at ${at} stored turns (ms)`, wall.map((times) => fmt(median(times), 1)).join(' / ')),
      row(growth, `server CPU per turn at ${at} stored turns (ms)`, cpu.map((seconds) => fmt((seconds * 1000) / SAMPLES, 1)).join(' / ')),
      row(`chat on ${name}`, 'turns with a wrong reply or history', String(c.failures)),
    ];
  } finally {
    await app.stop();
    await upstream.close();
  }
}

/** The chat scenario on SQLite, then on PostgreSQL: rows for bench/run.ts's table. */
export async function run(): Promise<Row[]> {
  return [...(await onDatabase('sqlite')), ...(await onDatabase('postgresql'))];
}
