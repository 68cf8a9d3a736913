// Starts the production server (the Next.js standalone bundle) the way the container image does,
// with what Next.js leaves to the host:
// - the client's address: each request gets `x-streamwright-client` from its socket and the
//   X-Forwarded-For entries of TRUST_PROXY_HOPS trusted proxies, so a client cannot pick its own;
// - the protocol the browser used: `x-streamwright-proto` is `https` when the outermost trusted
//   proxy's X-Forwarded-Proto says so, else `http` (the app's cookies are Secure over https);
// - a request id (the caller's `x-request-id`, or a new one), echoed in the response, and one
//   JSON access-log line per request: method, path without its query (prompts travel in
//   queries), status, duration; the app counts it for /api/metrics;
// - a graceful shutdown: on SIGTERM the server stops being ready and refuses new streams, lets
//   open streams run for SHUTDOWN_GRACE_MS, then stops the rest (stored as stopped) and exits 0.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidSetting, loadEnvironment } from '../lib/environment.mjs';

// Settings: the environment, then the .env files of the folder the server is started in; blank
// values are dropped before the app or any library reads them.
loadEnvironment(process.cwd(), false);

// Next.js reads PORT before the app starts (and quietly takes 3000 for a value it cannot read), so
// the port is checked here; the app checks every other setting as it starts (lib/env.ts).
const port = process.env.PORT;
if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65_535)) {
  console.error(invalidSetting('PORT', 'must be a whole number from 0 to 65535'));
  process.exit(1);
}

const here = dirname(fileURLToPath(import.meta.url));
// In the image server.js sits beside scripts/; in a checkout it is in .next/standalone/.
const server = [resolve(here, '../server.js'), resolve(here, '../.next/standalone/server.js')].find(existsSync);
if (!server) throw new Error('No server bundle: run `npm run build` first');

// The bundle changes its working directory to its own folder: pin the data folder first.
process.env.DATA_DIR = resolve(process.env.DATA_DIR ?? '.data');
process.env.NEXT_MANUAL_SIG_HANDLE = '1';

// Shared with the app (lib/ops/lifecycle.ts, lib/ops/metrics.ts): its processSingleton('lifecycle')
// (lib/singleton.ts) keeps the object under this key.
const lifecycle = (globalThis[Symbol.for('streamwright.lifecycle')] ??= { draining: false, open: new Set() });
const quiet = ['silent', 'warn', 'error'].includes(process.env.LOG_LEVEL ?? '');
const hops = Number(process.env.TRUST_PROXY_HOPS ?? 0) || 0;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === 'request') {
    const [request, response] = args;
    const forwarded = String(request.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const chain = [...forwarded, request.socket.remoteAddress ?? 'unknown'];
    // The socket is the last hop; each trusted proxy vouches for the entry before it.
    request.headers['x-streamwright-client'] = chain[Math.max(0, chain.length - 1 - hops)];
    // Each trusted proxy adds the protocol it was reached by (or sets the one header outright).
    const protocols = String(request.headers['x-forwarded-proto'] ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase());
    request.headers['x-streamwright-proto'] = hops > 0 && protocols[Math.max(0, protocols.length - hops)] === 'https' ? 'https' : 'http';
    const given = String(request.headers['x-request-id'] ?? '');
    const id = /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    request.headers['x-request-id'] = id;
    response.setHeader('x-request-id', id);
    const started = performance.now();
    response.once('close', () => {
      const path = String(request.url ?? '').split('?')[0];
      lifecycle.recordRequest?.(path, response.statusCode);
      if (quiet || path.startsWith('/_next/')) return;
      note('request', {
        request_id: id,
        method: request.method,
        path,
        status: response.statusCode,
        duration_ms: Math.round(performance.now() - started),
      });
    });
  }
  return emit.call(this, event, ...args);
};

const grace = Number(process.env.SHUTDOWN_GRACE_MS ?? 25_000);
function note(event, fields = {}) {
  if (process.env.LOG_LEVEL === 'silent') return;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', event, ...fields })}\n`);
}
const settled = async (until) => {
  while (lifecycle.open.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
};

async function shutdown(signal) {
  if (lifecycle.draining) return;
  lifecycle.draining = true;
  note('shutdown_started', { signal, open_streams: lifecycle.open.size, grace_ms: grace });
  await settled(Date.now() + grace);
  const cut = lifecycle.open.size;
  for (const controller of lifecycle.open) controller.abort(new DOMException('The server is shutting down', 'AbortError'));
  await settled(Date.now() + 5_000); // the stopped replies are being stored
  // Writes a stream starts as it ends (a report's final state) take a moment more; then what the
  // app still holds in memory (usage waiting for its batch) is written.
  await new Promise((resolve) => setTimeout(resolve, 500));
  // A database that does not answer holds the exit for 5 s at most.
  const writes = Promise.allSettled([...(lifecycle.finalWrites ?? [])].map((write) => write()));
  await Promise.race([writes, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  note('shutdown_finished', { streams_stopped: cut });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await import(server);
