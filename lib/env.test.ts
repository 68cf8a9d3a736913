import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dropBlankValues } from './environment.mjs';
import { parseEnv, SETTINGS } from './env';

// How settings are read: blank means the default; a wrong value is one line naming the setting
// and its rule. (The server started with what the project ships: tests/api/shipped-settings.test.ts.)

const problem = (vars: Record<string, string>) => {
  try {
    parseEnv(vars);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail(`accepted ${JSON.stringify(vars)}`);
};

test('blank values are dropped from the environment, set ones kept', () => {
  const env: Record<string, string | undefined> = { OPENAI_BASE_URL: '', NEXTAUTH_URL: '  ', MODEL: 'offline', KEEP: ' x ' };
  dropBlankValues(env);
  assert.deepEqual(env, { MODEL: 'offline', KEEP: ' x ' });
});

test('a blank value is the default, for every setting', () => {
  const defaults = parseEnv({});
  assert.ok(SETTINGS.includes('OPENAI_BASE_URL') && SETTINGS.length > 25);
  for (const name of SETTINGS) assert.deepEqual(parseEnv({ [name]: ' ' })[name], defaults[name], name);
});

test('a wrong value is one line: the setting and the rule it breaks', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ MAX_STEPS: '0' }, 'Invalid setting MAX_STEPS: must be a whole number from 1 to 20'],
    [{ MAX_STEPS: 'five' }, 'Invalid setting MAX_STEPS: must be a whole number from 1 to 20'],
    [{ MODEL_IDLE_TIMEOUT_MS: '1.5' }, 'Invalid setting MODEL_IDLE_TIMEOUT_MS: must be a whole number of milliseconds from 1 to 3600000'],
    [{ TRUST_PROXY_HOPS: '11' }, 'Invalid setting TRUST_PROXY_HOPS: must be a whole number from 0 to 10'],
    [{ OPENAI_BASE_URL: 'localhost:11434/v1' }, 'Invalid setting OPENAI_BASE_URL: must be a URL such as http://127.0.0.1:11434/v1'],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'Invalid setting REDIS_URL: must be a URL such as redis://127.0.0.1:6379'],
    [{ NEXTAUTH_URL: 'streamwright.example.com' }, 'Invalid setting NEXTAUTH_URL: must be a URL such as https://streamwright.example.com'],
    [{ DATABASE_URL: 'mysql://db/app' }, 'Invalid setting DATABASE_URL: must be file:… (SQLite) or postgresql://… (PostgreSQL)'],
    [{ LOG_LEVEL: 'verbose' }, 'Invalid setting LOG_LEVEL: must be debug, info, warn, error or silent'],
    [{ MAX_OUTPUT_TOKENS: '0' }, 'Invalid setting MAX_OUTPUT_TOKENS: must be a whole number from 1 to 100000'],
    [
      { CORS_ORIGINS: 'https://a.example, *, https://b.example/app' },
      'Invalid setting CORS_ORIGINS: must list origins such as https://app.example.com, comma-separated (no path, no *)',
    ],
  ];
  for (const [vars, line] of cases) assert.equal(problem(vars), line);
  assert.deepEqual(parseEnv({ CORS_ORIGINS: 'https://a.example, http://127.0.0.1:3000/' }).CORS_ORIGINS, [
    'https://a.example',
    'http://127.0.0.1:3000',
  ]);
});

test('several wrong settings: a line each; a secret value never appears', () => {
  const secret = 'too-short-secret';
  const message = problem({ AUTH_SECRET: secret, MAX_STEPS: '99', METRICS_TOKEN: 'fine' });
  assert.deepEqual(message.split('\n'), [
    'Invalid setting MAX_STEPS: must be a whole number from 1 to 20',
    'Invalid setting AUTH_SECRET: must be at least 32 characters',
  ]);
  assert.ok(!message.includes(secret));
});

// The CORS allow-list as configured (lib/http/cors.ts applies it). Over HTTP: tests/api/headers.test.ts.
describe('CORS allow-list (CORS_ORIGINS)', () => {
  test('entries become exact origins, as browsers send them', () => {
    assert.deepEqual(parseEnv({ CORS_ORIGINS: 'https://App.example/, http://localhost:3000' }).CORS_ORIGINS, [
      'https://app.example',
      'http://localhost:3000',
    ]);
  });

  test('a wildcard, a path or anything but an http(s) origin stops start-up', () => {
    for (const entry of ['*', 'null', 'app.example', 'ftp://files.example', 'http://localhost:3000/path', 'https://a.example?x=1']) {
      assert.throws(
        () => parseEnv({ CORS_ORIGINS: `https://ok.example, ${entry}` }),
        { message: /^Invalid setting CORS_ORIGINS: / },
        entry,
      );
    }
  });

  test('an empty setting allows nobody', () => {
    assert.deepEqual(parseEnv({ CORS_ORIGINS: ' ' }).CORS_ORIGINS, []);
  });
});
