import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

// Starts the built app on a free port the way the container image does (scripts/serve.mjs around
// the standalone bundle), with a database of its own: a fresh SQLite file, or a fresh PostgreSQL
// database when asked.

// The runtime bundle the image copies to /app; started as the image's command starts it.
const BUNDLE = resolve('.next/standalone');
const SERVER = join(BUNDLE, 'server.js');
const SERVE = join(BUNDLE, 'scripts/serve.mjs');

/** PostgreSQL for the tests; this machine's server by default. Unreachable fails the run. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
/** Redis for the tests; this machine's by default. Unreachable fails the run. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Database = 'sqlite' | 'postgresql';

export interface RunningApp {
  url: string;
  database: Database;
  databaseUrl: string;
  authSecret: string;
  /** The server's process id (for CPU and memory readings). */
  pid(): number;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Sends the server a signal; resolves with its exit code once it has exited. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
  /** Starts the server again on the same port and database (after it has exited). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Rewrites the PostgreSQL URL the server gets (to reach the database through a test proxy). */
  rewriteDatabaseUrl?: (url: string) => string;
  /** A second replica: the same database and auth secret as this app. */
  replicaOf?: RunningApp;
  /**
   * Settings exactly as given, as a deployment would give them: none of the test defaults below
   * (limits off, fast offline model, a generated secret and database URL). Only where the server
   * listens is the test's, and a PostgreSQL database when asked for.
   */
  asShipped?: boolean;
  /** Written as `.env` into the folder the server (and its migrations) start in. */
  dotenv?: string;
  /** Where the app listens, when the settings leave it at Next.js's default. */
  port?: number;
}

export async function startApp(env: Record<string, string>, database: Database = 'sqlite', options: AppOptions = {}): Promise<RunningApp> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'streamwright-test-'));
  const pgDatabase = options.replicaOf
    ? { url: options.replicaOf.databaseUrl, drop: async () => {} }
    : database === 'postgresql'
      ? await createPostgresDatabase()
      : undefined;
  const port = options.port ?? (await freePort());
  const pgUrl = pgDatabase && (options.rewriteDatabaseUrl ?? ((url: string) => url))(pgDatabase.url);
  const testDefaults: Record<string, string> = {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    AUTH_SECRET: options.replicaOf?.authSecret ?? randomBytes(32).toString('hex'),
    OFFLINE_TOKEN_DELAY_MS: '0',
    // Always explicit, so a developer's .env never points a test at their own database.
    DATABASE_URL: pgUrl ?? `file:${join(dataDir, 'streamwright.db')}`,
    // Every test client comes from 127.0.0.1: limits by address are for the tests that set them.
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0',
    AUTH_ATTEMPTS_PER_15_MINUTES: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    MAX_CONCURRENT_STREAMS: '0',
    SHUTDOWN_GRACE_MS: '1000',
    // As the image sets it (Dockerfile).
    MALLOC_ARENA_MAX: '2',
  };
  const appEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    ...(options.asShipped ? {} : testDefaults),
    ...env,
    ...(options.asShipped && pgUrl ? { DATABASE_URL: pgUrl } : {}),
  };
  // The server and its migrations start in the test's own folder, which holds the .env they read.
  if (options.dotenv !== undefined) writeFileSync(join(dataDir, '.env'), options.dotenv);

  const discard = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await pgDatabase?.drop();
  };
  // Migrations reach the database directly (a test's proxy lives in this process, which spawnSync blocks).
  const migrateEnv = { ...appEnv, ...(pgDatabase ? { DATABASE_URL: pgDatabase.url } : {}) };
  const migrated = spawnSync(process.execPath, [join(BUNDLE, 'scripts/db.mjs'), 'deploy'], {
    cwd: dataDir,
    env: migrateEnv as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  if (migrated.status !== 0) {
    await discard();
    throw new Error(`migrations failed:\n${migrated.stdout}${migrated.stderr}`);
  }

  let output = '';
  let child: ChildProcess;
  const url = `http://127.0.0.1:${port}`;
  const launch = async () => {
    const server = spawn(process.execPath, [SERVE], { cwd: dataDir, env: appEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    running.add(server);
    server.once('exit', () => running.delete(server));
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    await waitUntilHealthy(url, child, () => output);
  };
  try {
    await launch();
  } catch (error) {
    await discard();
    throw error;
  }
  return {
    url,
    database,
    databaseUrl: appEnv.DATABASE_URL ?? '',
    authSecret: appEnv.AUTH_SECRET ?? '',
    pid: () => child.pid!,
    output: () => output,
    signal: (signal) =>
      new Promise((done) => {
        if (child.exitCode !== null) return done(child.exitCode);
        child.once('exit', (code) => done(code));
        child.kill(signal);
      }),
    restart: launch,
    stop: async () => {
      await stop(child);
      await discard();
    },
  };
}

/** A fresh PostgreSQL database on the test server, owned by `owner` when given; `drop` removes it. */
export async function createPostgresDatabase(owner?: string) {
  const name = `streamwright_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${TEST_POSTGRES_URL} is unreachable (${(error as Error).message}); start it or set TEST_POSTGRES_URL`);
  }
  await admin.query(`CREATE DATABASE ${name}${owner ? ` OWNER ${owner}` : ''}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy in 30 s:\n${output()}`);
}

// A test run that crashes takes its servers with it rather than leaving them running.
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((server) => server.kill('SIGKILL')));

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
