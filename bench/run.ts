import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startApp, type RunningApp } from '../tests/support/app';
import { newUser } from '../tests/support/users';
import { forEachFrame } from './frames';
import { startUpstream } from './upstream';
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
    await forEachFrame(response, (frame) => {
      const piece = tokenText(frame);
      if (!piece) return;
      const at = now();
      if (!first) first = at;
      else maxGap = Math.max(maxGap, at - last);
      last = at;
      text += piece;
    });
  } catch {
    return { ttft: NaN, maxGap: NaN, total: NaN, ok: false };
  }
  const expected = Array.from({ length: tokens }, (_, i) => ` t${i}`).join('');
  return { ttft: first - started, maxGap, total: now() - started, ok: text === expected };
}

function tokenText(frame: string): string {
  if (!frame.startsWith('data: {')) return '';
  const data = JSON.parse(frame.slice(6)) as { text?: string; choices?: { delta?: { content?: string } }[] };
  return data.text ?? data.choices?.[0]?.delta?.content ?? '';
}

const directInit: RequestInit = ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'hello' }] }),
});

/** CPU seconds (user + system) and RSS in MB of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

interface Run {
  results: StreamResult[];
  cpu?: number;
  peakRss?: number;
  seconds: number;
}

/** Holds `concurrency` streams until `total` have run; samples the server meanwhile. */
async function load(target: Target, tokens: number, concurrency: number, total: number): Promise<Run> {
  const pid = target.pid?.();
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  let peakRss = pid ? rssMb(pid) : 0;
  const sampler = pid ? setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 100) : undefined;
  const started = now();
  const results: StreamResult[] = [];
  let started_ = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started_ < total) {
        started_++;
        results.push(await oneStream(target, tokens));
      }
    }),
  );
  clearInterval(sampler);
  return { results, cpu: pid ? cpuSeconds(pid) - cpuBefore : undefined, peakRss: pid ? peakRss : undefined, seconds: (now() - started) / 1000 };
}

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
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

async function startProduct(baseURL: string): Promise<{ target: Target; app: RunningApp }> {
  const app = await startApp({
    MODEL: 'openai-chat:bench',
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: 'sk-bench',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    MAX_CONCURRENT_STREAMS: '0',
    DAILY_TOKEN_BUDGET: '0',
  });
  const user = await newUser(app);
  return { app, target: { name: 'product', url: (q) => `${app.url}/api/stream/text?q=${q}`, init: { headers: user.bearer }, pid: app.pid } };
}

const rows: Row[] = [];
const row = (scenario: string, figure: string, product: number, floor: number, target: string, digits = 2) =>
  rows.push({ scenario, figure, product: fmt(product, digits), floor: fmt(floor, digits), ratio: fmt(product / floor, 2), target });

// `BENCH_ONLY=chat` (or `tsx bench/run.ts chat`) runs only the chat scenario; `stream` only the others.
const only = process.env.BENCH_ONLY ?? process.argv[2];

async function scenario(tokens: number, paceMs: number, run: (product: Target, floor: Target, direct: Target) => Promise<void>) {
  if (only && only !== 'stream') return;
  const upstream = await startUpstream(tokens, paceMs);
  const floor = await startFloor(upstream.baseURL);
  const product = await startProduct(upstream.baseURL);
  const direct: Target = { name: 'upstream', url: () => `${upstream.baseURL}/chat/completions`, init: directInit };
  try {
    await load(product.target, tokens, 4, 20); // warm-up: compiled routes, connections, JIT
    await load(floor.target, tokens, 4, 20);
    await run(product.target, floor.target, direct);
  } finally {
    floor.child.kill();
    await product.app.stop();
    await upstream.close();
  }
}

const failures = (run: Run) => run.results.filter((r) => !r.ok).length;

await scenario(20, 0, async (product, floor, direct) => {
  const p = await load(product, 20, 1, 50);
  const f = await load(floor, 20, 1, 50);
  const d = await load(direct, 20, 1, 50);
  row('1 stream', 'time to first token, median (ms)', median(p.results.map((r) => r.ttft)), median(f.results.map((r) => r.ttft)), '≤ floor + 3 ms');
  rows.push({ scenario: '1 stream', figure: 'upstream direct, median TTFT (ms)', product: '', floor: fmt(median(d.results.map((r) => r.ttft)), 2), ratio: '', target: '' });
  if (failures(p) + failures(f)) throw new Error('streams lost tokens in the latency scenario');
});

await scenario(200, 0, async (product, floor) => {
  // One round of the same load first, for each: a server's cost per token is its steady state.
  await load(product, 200, 100, 300);
  await load(floor, 200, 100, 300);
  const p = await load(product, 200, 100, 300);
  const f = await load(floor, 200, 100, 300);
  const perToken = (run: Run) => ((run.cpu ?? NaN) * 1e6) / (run.results.length * 200);
  row('100 concurrent, back to back', 'CPU per relayed token (µs)', perToken(p), perToken(f), '≤ 3× floor');
  row('100 concurrent, back to back', 'tokens per second', (p.results.length * 200) / p.seconds, (f.results.length * 200) / f.seconds, '', 0);
  row('100 concurrent, back to back', 'streams with a lost token', failures(p), failures(f), '0', 0);
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
  row('100 concurrent, back to back', 'CPU per request (ms): a bare Next.js route (product) vs a whole stream (floor)', routeMs, ((f.cpu ?? NaN) * 1000) / f.results.length, '');
});

await scenario(50, 20, async (product, floor) => {
  const p = await load(product, 50, 1000, 1000);
  const f = await load(floor, 50, 1000, 1000);
  row('1,000 concurrent, 50 tokens/s', 'errors or lost tokens', failures(p), failures(f), '0', 0);
  row('1,000 concurrent, 50 tokens/s', 'largest gap between tokens (ms)', Math.max(...p.results.map((r) => r.maxGap)), Math.max(...f.results.map((r) => r.maxGap)), '< 1000 unless the floor too', 0);
  row('1,000 concurrent, 50 tokens/s', 'peak RSS (MB)', p.peakRss!, f.peakRss!, '< 400', 0);
});

await scenario(10, 333, async (product, floor) => {
  const held = async (target: Target) => {
    const pid = target.pid!();
    const before = rssMb(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
    const run = await load(target, 10, 1000, 1000);
    clearInterval(sampler);
    return { perStreamKb: ((peak - before) * 1024) / 1000, run };
  };
  const p = await held(product);
  const f = await held(floor);
  row('1,000 open streams, 3 tokens/s', 'memory per open stream (KB)', p.perStreamKb, f.perStreamKb, '< 100', 0);
  row('1,000 open streams, 3 tokens/s', 'errors or lost tokens', failures(p.run), failures(f.run), '0', 0);
  // Context for the memory figure: what one open run holds inside the AI SDK alone (bench/sdk-memory.ts).
  const sdk = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/sdk-memory.ts'], { encoding: 'utf8' });
  const { kbPerRun } = JSON.parse(sdk.stdout) as { kbPerRun: number };
  rows.push({ scenario: '1,000 open streams, 3 tokens/s', figure: 'held by one open streamText run alone, no server (KB)', product: fmt(kbPerRun, 0), floor: '', ratio: '', target: '' });
});

if (!only || only === 'chat') rows.push(...(await runChat()));

console.log(`\n| scenario | figure | product | floor | ratio | target |\n| --- | --- | --- | --- | --- | --- |`);
for (const r of rows) console.log(`| ${r.scenario} | ${r.figure} | ${r.product} | ${r.floor} | ${r.ratio} | ${r.target} |`);
console.log(`\nNode ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
