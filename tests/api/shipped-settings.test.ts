import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseEnv as parseDotenv } from 'node:util';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { createPostgresDatabase, freePort, startApp, TEST_POSTGRES_URL, TEST_REDIS_URL, type RunningApp } from '../support/app';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { settingsTable } from '../support/settings';
import { coalesced, fetchFrames } from '../support/sse';
import { newUser } from '../support/users';

// The server started with the settings the project ships, read from the files themselves: the
// Kubernetes manifests, the Dockerfile, .env.example. Only where things are on this machine is
// changed (the database, Redis, the OpenAI endpoint, the port and the data folder); every other
// value, blank ones included, reaches the production bundle as a deployment would give it.

const read = (path: string) => readFileSync(path, 'utf8');
const yamlOf = <T>(path: string): T => parseYaml(read(path)) as T;

interface Answered {
  model: string;
  redis: boolean;
}

/** Health, readiness (with Redis when set) and one stream from a new user's API key. */
async function assertAnswers(
  app: RunningApp,
  expected: Answered,
  path = '/api/stream',
  prompt = `shipped settings ${randomBytes(4).toString('hex')}`,
) {
  const health = await fetch(`${app.url}/api/health`);
  assert.equal(health.status, 200, `health: ${await health.clone().text()}`);
  const ready = await fetch(`${app.url}/api/ready`);
  assert.deepEqual(
    { status: ready.status, body: await ready.json() },
    { status: 200, body: { status: 'ready', checks: { database: 'ok', ...(expected.redis ? { redis: 'ok' } : {}) } } },
  );
  // Limits run at their shipped values, shared through Redis between test runs: each check comes
  // from an address of its own (through the trusted proxy, where the settings name one).
  const [a, b] = randomBytes(2);
  const via = { 'x-forwarded-for': `198.51.${a}.${b}` };
  const user = await newUser(app, via);
  const { status, model, frames } = await fetchFrames(`${app.url}${path}?${new URLSearchParams({ q: prompt })}`, {
    headers: { ...user.bearer, ...via },
  });
  assert.equal(status, 200);
  assert.equal(model, expected.model);
  const transcript = coalesced(frames);
  assert.deepEqual(
    transcript.map((frame) => frame.event ?? 'text'),
    ['text', 'usage', 'done'],
    JSON.stringify(transcript),
  );
  const text = (transcript[0]!.data as { text: string }).text;
  if (expected.model === 'offline') assert.match(text, /offline/i);
  else assert.equal(text, `Echo: ${prompt}`);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes: what k8s/base gives a pod

type Manifest = { metadata: { name: string }; data?: Record<string, string>; stringData?: Record<string, string> };
interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: EnvEntry[];
}

/** The app container's environment, as Kubernetes builds it: envFrom first, then env on top. */
function podEnvironment(): Record<string, string> {
  const configMap = yamlOf<Manifest>('k8s/base/configmap.yaml');
  const secret = yamlOf<Manifest>('k8s/base/secret.example.yaml');
  const deployment = yamlOf<{ spec: { template: { spec: { containers: Container[] } } } }>('k8s/base/deployment.yaml');
  const container = deployment.spec.template.spec.containers.find((c) => c.name === 'app');
  assert.ok(container, 'the Deployment has the app container');
  const source = (name: string): Record<string, string> => {
    if (name === configMap.metadata.name) return configMap.data ?? {};
    if (name === secret.metadata.name) return secret.stringData ?? {};
    assert.fail(`${name} is neither the ConfigMap nor the Secret template`);
  };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) Object.assign(env, source((from.configMapRef ?? from.secretRef)!.name));
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef ?? entry.valueFrom?.configMapKeyRef;
    const value = ref ? source(ref.name)[ref.key] : entry.value;
    if (value === undefined) assert.ok(entry.valueFrom?.secretKeyRef?.optional, `${entry.name} has a value`);
    else env[entry.name] = value;
  }
  return env;
}

/** `postgresql://user:password@host:port/db` on this machine's server (TEST_POSTGRES_URL's host). */
function localPostgres(user: string, password: string, database: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.username = user;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

describe('the settings the project ships start the production bundle', () => {
  let fake: FakeOpenAI;
  before(async () => {
    fake = await startFakeOpenAI();
  });
  after(async () => {
    await fake?.close();
  });

  test('k8s/base: the ConfigMap, secret.example.yaml and the Deployment env, on PostgreSQL and Redis', async () => {
    const env = podEnvironment();
    // What a pod gets that a blank setting must not break, read from the files, not assumed.
    assert.equal(env.OPENAI_BASE_URL, '');
    assert.equal(env.CORS_ORIGINS, '');
    assert.match(env.NEXTAUTH_URL ?? '', /^https:\/\//);
    const app = await startApp({ ...env, REDIS_URL: TEST_REDIS_URL, OPENAI_BASE_URL: fake.baseURL }, 'postgresql', { asShipped: true });
    try {
      await assertAnswers(app, { model: env.MODEL!, redis: true });
    } finally {
      await app.stop();
    }
  });

  test("k8s/base as it is, OPENAI_BASE_URL blank (OpenAI itself): healthy and ready with OpenAI's model", async () => {
    // No stream here: it would go to OpenAI. The stream is in the test above, on the fake.
    const env = podEnvironment();
    const app = await startApp({ ...env, REDIS_URL: TEST_REDIS_URL }, 'postgresql', { asShipped: true });
    try {
      assert.equal((await fetch(`${app.url}/api/health`)).status, 200);
      const ready = await fetch(`${app.url}/api/ready`);
      assert.deepEqual(await ready.json(), { status: 'ready', checks: { database: 'ok', redis: 'ok' } });
      const unauthorized = await fetch(`${app.url}/api/stream?q=hi`);
      assert.equal(unauthorized.status, 401, 'the streaming routes load');
      assert.match(app.output(), new RegExp(`"event":"server_starting","model":"${env.MODEL}"`));
    } finally {
      await app.stop();
    }
  });

  test('k8s/overlays/with-datastores: its PostgreSQL user, password and database, and its Redis', async () => {
    const dir = 'k8s/overlays/with-datastores';
    const postgres = parseYaml(read(`${dir}/postgres.yaml`).split(/^---$/m)[0]!) as {
      spec: { template: { spec: { containers: Array<{ env: EnvEntry[] }> } } };
    };
    const postgresEnv = new Map(postgres.spec.template.spec.containers[0]!.env.map((entry) => [entry.name, entry.value]));
    const user = postgresEnv.get('POSTGRES_USER');
    const password = yamlOf<Manifest>(`${dir}/secret.example.yaml`).stringData?.POSTGRES_PASSWORD;
    assert.ok(user && password, 'the overlay names its PostgreSQL user and password');
    assert.ok(postgresEnv.get('POSTGRES_DB'), 'and its database');
    // The overlay's user owns its database; here a role of that name (made for this test, and
    // dropped after it) owns a fresh database on this machine.
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    const role = admin.escapeIdentifier(user);
    // What a crashed run of this test left behind goes first.
    const leftovers = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = $1 AND datname LIKE 'streamwright_test_%'",
      [user],
    );
    for (const { datname } of leftovers.rows) await admin.query(`DROP DATABASE ${admin.escapeIdentifier(datname)} WITH (FORCE)`);
    const exists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user])).rowCount;
    await admin.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
    const database = await createPostgresDatabase(role);
    try {
      const app = await startApp(
        {
          ...podEnvironment(),
          DATABASE_URL: localPostgres(user, password, new URL(database.url).pathname.slice(1)),
          REDIS_URL: TEST_REDIS_URL,
          OPENAI_BASE_URL: fake.baseURL,
        },
        'sqlite',
        { asShipped: true },
      );
      try {
        await assertAnswers(app, { model: podEnvironment().MODEL!, redis: true });
      } finally {
        await app.stop();
      }
    } finally {
      await database.drop();
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
  });

  test("the Dockerfile's ENV lines (the runtime stage), with the offline model", async () => {
    const runtime = read('Dockerfile')
      .split(/^FROM /m)
      .at(-1)!;
    const env: Record<string, string> = {};
    for (const [, args] of runtime.matchAll(/^ENV (.+)$/gm)) {
      for (const pair of args!.trim().split(/\s+/)) {
        const [name, value] = pair.split('=');
        assert.ok(name && value !== undefined, `ENV ${pair} is NAME=value`);
        env[name] = value;
      }
    }
    assert.equal(env.NODE_ENV, 'production');
    // The image's data folder and port are the test's: the folder it starts in, a free port.
    delete env.DATA_DIR;
    delete env.PORT;
    const app = await startApp(env, 'sqlite', { asShipped: true });
    try {
      await assertAnswers(app, { model: 'offline', redis: false });
    } finally {
      await app.stop();
    }
  });

  test('.env.example used as .env, and nothing else', async () => {
    const app = await startApp({}, 'sqlite', { asShipped: true, dotenv: read('.env.example') });
    try {
      await assertAnswers(app, { model: 'offline', redis: false });
    } finally {
      await app.stop();
    }
  });

  test('npm start and its migrations read the .env of the folder they start in; the environment wins', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'streamwright-dotenv-'));
    const database = join(folder, 'from-dotenv.db');
    const dotenv = `DATABASE_URL=file:${database}\nMAX_PROMPT_CHARS=10\nLOG_LEVEL=silent\n`;
    const app = await startApp({ LOG_LEVEL: 'info' }, 'sqlite', { asShipped: true, dotenv });
    try {
      await assertAnswers(app, { model: 'offline', redis: false }, '/api/stream', 'hello');
      assert.ok(existsSync(database), 'the database of the .env file was migrated and used');
      const user = await newUser(app);
      const long = await fetch(`${app.url}/api/stream?q=${'x'.repeat(11)}`, { headers: user.bearer });
      assert.equal(long.status, 400, 'MAX_PROMPT_CHARS from .env is in force');
      assert.match(app.output(), /"event":"server_starting"/, 'LOG_LEVEL from the environment wins over .env');
    } finally {
      await app.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test(
    '`npm run dev` with .env.example as its settings: the chat page, and a stream from the offline model',
    { timeout: 240_000 },
    async () => {
      // `next dev` reads .env from the project folder, where a developer may keep their own; the
      // same values are given in its environment instead, which Next.js takes exactly as from .env
      // (a variable already set wins over the file). Every other setting is given blank, so a
      // developer's .env cannot change it and the default holds. The data folder is the test's.
      const shipped = parseDotenv(read('.env.example'));
      assert.ok(Object.values(shipped).includes(''), '.env.example has blank values');
      const settings = { ...Object.fromEntries(tableSettings().map((name) => [name, ''])), ...shipped };
      const dataDir = mkdtempSync(join(tmpdir(), 'streamwright-dev-'));
      const port = await freePort();
      let output = '';
      const dev = spawn('npm', ['run', 'dev', '--', '--port', String(port)], {
        env: { ...process.env, ...settings, DATA_DIR: dataDir, PORT: '' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      dev.stdout.on('data', (chunk) => (output += chunk));
      dev.stderr.on('data', (chunk) => (output += chunk));
      const url = `http://127.0.0.1:${port}`;
      try {
        const deadline = Date.now() + 120_000;
        for (;;) {
          assert.equal(dev.exitCode, null, `npm run dev exited:\n${output}`);
          assert.ok(Date.now() < deadline, `npm run dev did not answer in 120 s:\n${output}`);
          const up = await fetch(`${url}/api/health`).then(
            (r) => r.ok,
            () => false,
          );
          if (up) break;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const app = { url } as RunningApp;
        await assertAnswers(app, { model: 'offline', redis: false });
        const user = await newUser(app);
        const chat = await fetch(`${url}/chat`, { headers: { cookie: user.cookie } });
        assert.equal(chat.status, 200);
        assert.match(await chat.text(), /<textarea/);
      } finally {
        if (dev.exitCode === null) {
          const exited = new Promise((resolve) => dev.once('exit', resolve));
          process.kill(-dev.pid!, 'SIGTERM');
          const stuck = setTimeout(() => process.kill(-dev.pid!, 'SIGKILL'), 10_000);
          await exited;
          clearTimeout(stuck);
        }
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Every setting of the README's table, blank

const tableSettings = () => [...settingsTable().keys()];

describe('each setting of the table left blank: the server starts and answers', { concurrency: 3 }, () => {
  let fake: FakeOpenAI;
  let dataDir: string;
  before(async () => {
    fake = await startFakeOpenAI();
    dataDir = mkdtempSync(join(tmpdir(), 'streamwright-blank-'));
  });
  after(async () => {
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A valid value for every setting, away from its default where it has one. */
  const valuesFor = (port: number, name: string): Record<string, string> => {
    const folder = join(dataDir, name);
    return {
      MODEL: 'offline',
      // Blank, MODEL alone is offered.
      MODELS: 'offline,openai-chat:fake-model',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_PROVIDER: 'stock',
      // Never called (the model is offline); a blank base URL is one @ai-sdk/anthropic would refuse as it loads.
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: fake.baseURL,
      GOOGLE_GENERATIVE_AI_API_KEY: 'g-test',
      GOOGLE_BASE_URL: `${fake.baseURL}beta`,
      OFFLINE_TOKEN_DELAY_MS: '5',
      MODEL_IDLE_TIMEOUT_MS: '20000',
      MODEL_RETRY_MAX_WAIT_MS: '5000',
      MAX_STEPS: '3',
      DATA_DIR: folder,
      DATABASE_URL: `file:${join(folder, 'custom.db')}`,
      AUTH_SECRET: randomBytes(32).toString('hex'),
      REDIS_URL: TEST_REDIS_URL,
      RATE_LIMIT_PER_MINUTE: '100',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '200',
      AUTH_ATTEMPTS_PER_15_MINUTES: '50',
      MAX_CONCURRENT_STREAMS: '8',
      MAX_OPEN_STREAMS: '50',
      DAILY_TOKEN_BUDGET: '50000',
      DAILY_INPUT_TOKEN_BUDGET: '200000',
      MAX_PROMPT_CHARS: '1000',
      MAX_MESSAGE_CHARS: '4000',
      MAX_OUTPUT_TOKENS: '2000',
      DEFAULT_OUTPUT_TOKENS: '300',
      TRUST_PROXY_HOPS: '1',
      CORS_ORIGINS: 'https://app.example.com',
      METRICS_TOKEN: 'metrics-token',
      SHUTDOWN_GRACE_MS: '2000',
      LOG_LEVEL: 'warn',
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
    };
  };

  test('the values below cover the table exactly', async () => {
    assert.deepEqual(Object.keys(valuesFor(1, 'x')).sort(), tableSettings().sort());
  });

  for (const name of tableSettings()) {
    test(`${name}=""`, async () => {
      // A blank PORT means Next.js's own default.
      const port = name === 'PORT' ? 3000 : await freePort();
      // With MODEL blank, MODELS is too: a listed first model would be the default otherwise.
      const env = { ...valuesFor(port, name), [name]: '', ...(name === 'MODEL' ? { MODELS: '' } : {}) };
      const app = await startApp(env, 'sqlite', { asShipped: true, port });
      try {
        // Blank MODEL with a key: OpenAI's default model, here at the fake's Responses API.
        await assertAnswers(app, { model: name === 'MODEL' ? 'openai:gpt-4o' : 'offline', redis: name !== 'REDIS_URL' });
      } finally {
        await app.stop();
      }
      if (name === 'PORT') assert.match(app.output(), /http:\/\/127\.0\.0\.1:3000\b/, 'this server is the one on port 3000');
      // Read by the serving script itself, before the app starts: the defaults hold there too.
      if (name === 'SHUTDOWN_GRACE_MS') assert.match(app.output(), /"event":"shutdown_started".*"grace_ms":25000/);
      if (name === 'LOG_LEVEL') assert.match(app.output(), /"event":"request"/);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// A setting that is present but wrong

describe('a wrong setting stops the server at start, with one line naming it', { concurrency: 3 }, () => {
  const wrong: Array<[string, string, string]> = [
    ['MODEL', 'gpt-4o', 'must be openai:<model>, openai-chat:<model>, anthropic:<model>, google:<model> or offline'],
    [
      'MODEL',
      'anthropic:claude-sonnet-4-5',
      'anthropic:… needs ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL for a gateway that holds the key)',
    ],
    ['ANTHROPIC_BASE_URL', 'api.anthropic.com', 'must be a URL such as https://api.anthropic.com/v1'],
    ['GOOGLE_BASE_URL', 'generativelanguage.googleapis.com', 'must be a URL such as https://generativelanguage.googleapis.com/v1beta'],
    ['OPENAI_BASE_URL', 'localhost:11434/v1', 'must be a URL such as http://127.0.0.1:11434/v1'],
    ['OFFLINE_TOKEN_DELAY_MS', '30ms', 'must be a whole number of milliseconds from 0 to 3600000'],
    ['MAX_STEPS', '50', 'must be a whole number from 1 to 20'],
    ['DATABASE_URL', 'mysql://127.0.0.1/streamwright', 'must be file:… (SQLite) or postgresql://… (PostgreSQL)'],
    ['AUTH_SECRET', 'tiny-s3cret', 'must be at least 32 characters'],
    ['REDIS_URL', 'cache:6379', 'must be a URL such as redis://127.0.0.1:6379'],
    ['MAX_CONCURRENT_STREAMS', 'many', 'must be a whole number from 0 to 1000'],
    ['MAX_OUTPUT_TOKENS', '0', 'must be a whole number from 1 to 100000'],
    ['PORT', 'http', 'must be a whole number from 0 to 65535'],
    ['CORS_ORIGINS', 'https://app.example.org/*', 'must list origins such as https://app.example.com, comma-separated (no path, no *)'],
    ['LOG_LEVEL', 'verbose', 'must be debug, info, warn, error or silent'],
    ['OPENAI_PROVIDER', 'fast', 'must be lean or stock'],
    ['NEXTAUTH_URL', 'auth.example.org', 'must be a URL such as https://streamwright.example.com'],
  ];
  for (const [name, value, rule] of wrong) {
    test(`${name}=${value}`, async () => {
      await assert.rejects(startApp({ [name]: value }, 'sqlite', { asShipped: true }), (error: Error) => {
        // Migrations run first, as in the image: they refuse a wrong DATABASE_URL themselves.
        assert.match(error.message, /^(server exited with 1|migrations failed):/);
        const said = error.message.split('\n').filter((line) => line.includes('Invalid setting'));
        assert.deepEqual(said, [`Invalid setting ${name}: ${rule}`], error.message);
        assert.doesNotMatch(error.message, /^\s+at /m, 'no stack trace');
        return true;
      });
    });
  }
});
