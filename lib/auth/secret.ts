import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { env } from '../env';
import { log } from '../log';

let secret: string | undefined;

/**
 * The key that signs session cookies: AUTH_SECRET, or one generated once into DATA_DIR so the
 * quick start needs no setting. Several replicas must share AUTH_SECRET instead.
 */
export function authSecret(): string {
  secret ??= env.AUTH_SECRET ?? fileSecret();
  return secret;
}

function fileSecret(): string {
  const file = join(env.DATA_DIR, 'auth-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const created = randomBytes(32).toString('base64url');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, created, { mode: 0o600, flag: 'wx' });
    if (process.env.NODE_ENV === 'production') {
      log.warn('auth_secret_generated', { file, hint: 'set AUTH_SECRET when running more than one instance' });
    }
    return created;
  }
}
