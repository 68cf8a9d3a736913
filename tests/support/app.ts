import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

// Starts the built app (the standalone server the container image runs) on a free port, with a
// database of its own: a fresh SQLite file, or a fresh PostgreSQL database when asked.

const SERVER = resolve('.next/standalone/server.js');

/** PostgreSQL for the tests; this machine's server by default. Unreachable fails the run. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export type Database = 'sqlite' | 'postgresql';

export interface RunningApp {
  url: string;
  database: Database;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startApp(env: Record<string, string>, database: Database = 'sqlite'): Promise<RunningApp> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'streamwright-test-'));
  const pgDatabase = database === 'postgresql' ? await createPostgresDatabase() : undefined;
  const port = await freePort();
  const appEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    OFFLINE_TOKEN_DELAY_MS: '0',
    // Always explicit, so a developer's .env never points a test at their own database.
    DATABASE_URL: pgDatabase?.url ?? `file:${join(dataDir, 'streamwright.db')}`,
    ...env,
  };

  const migrated = spawnSync(process.execPath, ['scripts/db.mjs', 'deploy'], { env: appEnv, encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(`migrations failed:\n${migrated.stdout}${migrated.stderr}`);

  let output = '';
  const child = spawn(process.execPath, [SERVER], { env: appEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(url, child, () => output);
  return {
    url,
    database,
    output: () => output,
    stop: async () => {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
      await pgDatabase?.drop();
    },
  };
}

async function createPostgresDatabase() {
  const name = `streamwright_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${TEST_POSTGRES_URL} is unreachable (${(error as Error).message}); start it or set TEST_POSTGRES_URL`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
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

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
