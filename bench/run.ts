import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startApp, type RunningApp } from '../tests/support/app';
import { newUser } from '../tests/support/users';
import type { SseEvent } from '../lib/sse-parser';
import { forEachFrame } from './frames';
import { productSettings, startUpstream } from './upstream';
import { run as runChat, type Row } from './chat';

// `npm run bench`: the product's /api/stream (production build) against the floor (a bare
// node:http relay, bench/floor.mjs) and the upstream itself, in the same run, on the same fake
// model (bench/upstream.ts). Each scenario holds C concurrent streams, R in all, and records per
// stream the time to first token, the gaps between tokens, the total time, whether every token
// arrived in order, and errors; the server's CPU time and peak RSS are read from /proc.

interface Target {
  name: string;
  url: (q: string) => string;
  /** How to ask for one answer. */
  init: RequestInit;
  pid?: () => number;
}

interface StreamResult {
  ttft: number;
  maxGap: number;
  total: number;
  ok: boolean;
  /** Why the stream failed, when it did: an HTTP status or the client's error. */
  error?: string;
}

const now = () => performance.now();

/** One stream: reads text frames (or the upstream's raw chunks) and checks every token arrived in order. */
async function oneStream(target: Target, tokens: number): Promise<StreamResult> {
  const started = now();
  let first = 0;
  let last = started;
  let maxGap = 0;
  let text = '';
  try {
    const response = await fetch(target.url('hello'), target.init);
    if (!response.ok) return { ttft: NaN, maxGap: NaN, total: NaN, ok: false, error: `HTTP ${response.status}` };
    await forEachFrame(response, (event) => {
      const piece = tokenText(event);
      if (!piece) return;
      const at = now();
      if (!first) first = at;
      else maxGap = Math.max(maxGap, at - last);
      last = at;
      text += piece;
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ttft: NaN, maxGap: NaN, total: NaN, ok: false, error: `${(error as Error).message}${cause ? ` (${cause})` : ''}` };
  }
  const expected = Array.from({ length: tokens }, (_, i) => ` t${i}`).join('');
  return { ttft: first - started, maxGap, total: now() - started, ok: text === expected };
}

function tokenText({ event, data: text }: SseEvent): string {
  if (event !== undefined || !text.startsWith('{')) return '';
  const data = JSON.parse(text) as { text?: string; choices?: { delta?: { content?: string } }[] };
  return data.text ?? data.choices?.[0]?.delta?.content ?? '';
}

const directInit: RequestInit = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'hello' }] }),
};

/** CPU seconds (user + system) and RSS in MB of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

interface Run {
  results: StreamResult[];
  cpu?: number;
  peakRss?: number;
  idleRss?: number;
  seconds: number;
}

/**
 * Holds `concurrency` streams until `total` have run, the first ones started evenly over `rampMs`
 * (0: all at once); samples the server meanwhile, from its RSS just before (`idleRss`).
 */
async function load(target: Target, tokens: number, concurrency: number, total: number, rampMs = 0): Promise<Run> {
  const pid = target.pid?.();
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const idleRss = pid ? rssMb(pid) : undefined;
  let peakRss = idleRss ?? 0;
  const sampler = pid ? setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 50) : undefined;
  const started = now();
  const results: StreamResult[] = [];
  let started_ = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      if (rampMs) await new Promise((resolve) => setTimeout(resolve, (worker * rampMs) / concurrency));
      while (started_ < total) {
        started_++;
        results.push(await oneStream(target, tokens));
      }
    }),
  );
  clearInterval(sampler);
  return {
    results,
    cpu: pid ? cpuSeconds(pid) - cpuBefore : undefined,
    peakRss: pid ? peakRss : undefined,
    idleRss,
    seconds: (now() - started) / 1000,
  };
}

/** The value below which a share `q` of the finite values lie. */
const quantile = (values: number[], q: number) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
};
const median = (values: number[]) => quantile(values, 0.5);
const fmt = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startFloor(baseURL: string): Promise<{ target: Target; child: ChildProcess }> {
  const port = await freePort();
  const child = fork('bench/floor.mjs', [baseURL, String(port)], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('message', resolve));
  return { child, target: { name: 'floor', url: () => `http://127.0.0.1:${port}/`, init: {}, pid: () => child.pid! } };
}

/** The product; `provider` picks how it reads the model's answers (OPENAI_PROVIDER). */
async function startProduct(baseURL: string, provider: 'lean' | 'stock'): Promise<{ target: Target; app: RunningApp }> {
  const app = await startApp({ ...productSettings(baseURL), OPENAI_PROVIDER: provider });
  const user = await newUser(app);
  return { app, target: { name: provider, url: (q) => `${app.url}/api/stream/text?q=${q}`, init: { headers: user.bearer }, pid: app.pid } };
}

const rows: Row[] = [];
/**
 * A figure of the product beside the floor's, and beside the product on the stock provider
 * (`stock`, for comparison only); `met` judges the product's target, when there is one.
 */
const row = (
  scenario: string,
  figure: string,
  product: number,
  floor: number,
  target: string,
  digits = 2,
  met?: (product: number, floor: number) => boolean,
  stock?: number,
) =>
  rows.push({
    scenario,
    figure,
    product: fmt(product, digits),
    stock: fmt(stock, digits),
    floor: fmt(floor, digits),
    ratio: fmt(product / floor, 2),
    target,
    met: met ? (met(product, floor) ? 'met' : 'not met') : '',
  });
const atMost = (times: number) => (product: number, floor: number) => product <= times * floor;
const below = (limit: number) => (product: number) => product < limit;
const none = (product: number, floor: number) => product === 0 && floor === 0;

// `BENCH_ONLY=chat` (or `tsx bench/run.ts chat`) runs only the chat scenario; `stream` only the others.
const only = process.env.BENCH_ONLY ?? process.argv[2];

async function scenario(
  tokens: number,
  paceMs: number,
  run: (product: Target, floor: Target, stock: Target, direct: Target) => Promise<void>,
) {
  if (only && only !== 'stream') return;
  const upstream = await startUpstream(tokens, paceMs);
  const floor = await startFloor(upstream.baseURL);
  const product = await startProduct(upstream.baseURL, 'lean');
  const stock = await startProduct(upstream.baseURL, 'stock');
  const direct: Target = { name: 'upstream', url: () => `${upstream.baseURL}/chat/completions`, init: directInit };
  try {
    for (const target of [product.target, stock.target, floor.target]) await load(target, tokens, 4, 20); // warm-up: compiled routes, connections, JIT
    await run(product.target, floor.target, stock.target, direct);
  } finally {
    floor.child.kill();
    await product.app.stop();
    await stock.app.stop();
    await upstream.close();
  }
}

/** Streams that failed or lost a token; why each failed is kept for the end of the report. */
const failureReasons = new Map<string, number>();
const failures = (run: Run) => {
  const failed = run.results.filter((r) => !r.ok);
  for (const { error = 'tokens lost or out of order' } of failed) failureReasons.set(error, (failureReasons.get(error) ?? 0) + 1);
  return failed.length;
};

await scenario(20, 0, async (product, floor, stock, direct) => {
  const p = await load(product, 20, 1, 50);
  const s = await load(stock, 20, 1, 50);
  const f = await load(floor, 20, 1, 50);
  const d = await load(direct, 20, 1, 50);
  const ttft = (run: Run) => median(run.results.map((r) => r.ttft));
  row(
    '1 stream',
    'time to first token, median (ms)',
    ttft(p),
    ttft(f),
    '≤ floor + 3 ms',
    2,
    (product, floor) => product <= floor + 3,
    ttft(s),
  );
  rows.push({
    scenario: '1 stream',
    figure: 'upstream direct, median TTFT (ms)',
    product: '',
    stock: '',
    floor: fmt(ttft(d), 2),
    ratio: '',
    target: '',
    met: '',
  });
  if (failures(p) + failures(s) + failures(f)) throw new Error('streams lost tokens in the latency scenario');
});

await scenario(200, 0, async (product, floor, stock) => {
  // One round of the same load first, for each: a server's cost per token is its steady state.
  const twice = async (target: Target) => (await load(target, 200, 100, 300), await load(target, 200, 100, 300));
  const p = await twice(product);
  const s = await twice(stock);
  const f = await twice(floor);
  const perToken = (run: Run) => ((run.cpu ?? NaN) * 1e6) / (run.results.length * 200);
  const rate = (run: Run) => (run.results.length * 200) / run.seconds;
  row('100 concurrent, back to back', 'CPU per relayed token (µs)', perToken(p), perToken(f), '≤ 3× floor', 2, atMost(3), perToken(s));
  row('100 concurrent, back to back', 'tokens per second', rate(p), rate(f), '', 0, undefined, rate(s));
  row('100 concurrent, back to back', 'streams with a lost token', failures(p), failures(f), '0', 0, none, failures(s));
  // Context for the CPU figure: what the framework alone costs per request (a route handler that
  // answers a fixed JSON body, 1,000 requests 10 at a time) beside what the floor spends on a
  // whole 200-token stream.
  const health = `${new URL(product.url('')).origin}/api/health`;
  const pid = product.pid!();
  const before = cpuSeconds(pid);
  let sent = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (sent++ < 1000) await (await fetch(health)).text();
    }),
  );
  const routeMs = ((cpuSeconds(pid) - before) * 1000) / 1000;
  row(
    '100 concurrent, back to back',
    'CPU per request (ms): a bare Next.js route (product) vs a whole stream (floor)',
    routeMs,
    ((f.cpu ?? NaN) * 1000) / f.results.length,
    '',
  );
});

// Paced as real models send: one token per read, tens of milliseconds apart, so nothing merges.
const PACED_TOKENS = 100;
await scenario(PACED_TOKENS, 20, async (product, floor, stock) => {
  const name = '1,000 streams, 50 tokens/s each';
  const p = await load(product, PACED_TOKENS, 1000, 1000);
  const s = await load(stock, PACED_TOKENS, 1000, 1000);
  const f = await load(floor, PACED_TOKENS, 1000, 1000);
  const perThousand = (run: Run) => ((run.cpu ?? NaN) * 1e6) / (run.results.length * PACED_TOKENS);
  const delivered = (run: Run) => (run.results.length * PACED_TOKENS) / Math.max(...run.results.map((r) => r.total / 1000));
  const ttft = (run: Run) => median(run.results.map((r) => r.ttft));
  const gap = (run: Run) => Math.max(...run.results.map((r) => r.maxGap));
  row(name, 'CPU per 1,000 tokens (ms)', perThousand(p), perThousand(f), '≤ 2.5× floor', 1, atMost(2.5), perThousand(s));
  row(name, 'tokens per second delivered (asked: 50,000)', delivered(p), delivered(f), '', 0, undefined, delivered(s));
  row(name, 'time to first token, median (ms)', ttft(p), ttft(f), '', 1, undefined, ttft(s));
  row(name, 'largest gap between tokens (ms)', gap(p), gap(f), '', 0, undefined, gap(s));
  row(name, 'peak RSS (MB)', p.peakRss!, f.peakRss!, '', 0, undefined, s.peakRss);
  row(name, 'errors or lost tokens', failures(p), failures(f), '0', 0, none, failures(s));
});

// Many open streams, each slow: memory per stream and time to first token while they ramp up.
const HELD_TOKENS = 45; // 15 s a stream at 3 tokens/s, so all 1,000 are open once the 10 s ramp ends
await scenario(HELD_TOKENS, 333, async (product, floor, stock) => {
  const name = '1,000 streams, 3 tokens/s, started over 10 s';
  const p = await load(product, HELD_TOKENS, 1000, 1000, 10_000);
  const s = await load(stock, HELD_TOKENS, 1000, 1000, 10_000);
  const f = await load(floor, HELD_TOKENS, 1000, 1000, 10_000);
  const cpuShare = (run: Run) => ((run.cpu ?? NaN) * 100) / run.seconds;
  const perStreamKb = (run: Run) => ((run.peakRss! - run.idleRss!) * 1024) / run.results.length;
  // What the Deployment's 512 MiB limit holds with a tenth to spare, from the idle memory and what
  // each stream adds: the default MAX_OPEN_STREAMS must stay below it.
  const fits = (run: Run) => ((512 * 0.9 - run.idleRss!) * 1024) / perStreamKb(run);
  const p99 = (run: Run) =>
    quantile(
      run.results.map((r) => r.ttft),
      0.99,
    );
  row(name, 'CPU, % of a core', cpuShare(p), cpuShare(f), '≤ 2× floor', 1, atMost(2), cpuShare(s));
  row(name, 'memory per open stream (KB)', perStreamKb(p), perStreamKb(f), '≤ 1.5× floor', 0, atMost(1.5), perStreamKb(s));
  row(name, 'idle RSS before the streams (MB)', p.idleRss!, f.idleRss!, '', 0, undefined, s.idleRss);
  row(name, 'peak RSS (MB)', p.peakRss!, f.peakRss!, '< 450', 0, below(450), s.peakRss);
  row(name, 'time to first token, p99 (ms)', p99(p), p99(f), '< 50', 1, below(50), p99(s));
  row(
    name,
    'open streams a 512 MiB pod holds, a tenth to spare',
    fits(p),
    fits(f),
    '≥ 600 (MAX_OPEN_STREAMS)',
    0,
    (product) => product >= 600,
    fits(s),
  );
  row(name, 'errors or lost tokens', failures(p), failures(f), '0', 0, none, failures(s));
  // Context for the memory figure: what one open run holds inside the AI SDK alone (bench/sdk-memory.ts).
  const sdk = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/sdk-memory.ts'], { encoding: 'utf8' });
  const { kbPerRun } = JSON.parse(sdk.stdout) as { kbPerRun: number };
  rows.push({
    scenario: name,
    figure: 'held by one open streamText run alone, no server (KB)',
    product: fmt(kbPerRun, 0),
    stock: '',
    floor: '',
    ratio: '',
    target: '',
    met: '',
  });
});

if (!only || only === 'chat') rows.push(...(await runChat()));

console.log(
  `\n| scenario | figure | product | floor | ratio | target | | stock provider |\n| --- | --- | --- | --- | --- | --- | --- | --- |`,
);
for (const r of rows)
  console.log(`| ${r.scenario} | ${r.figure} | ${r.product} | ${r.floor} | ${r.ratio} | ${r.target} | ${r.met} | ${r.stock} |`);
for (const [reason, count] of failureReasons) console.log(`failed streams: ${count} × ${reason}`);
console.log(`\nNode ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
