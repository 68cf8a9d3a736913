import { createHash, randomBytes } from 'node:crypto';

// Keys look like `sk_` + 40 base62-ish characters. Only their SHA-256 is stored: a key has
// enough entropy that a slow hash adds nothing, and lookups stay one indexed query.

const KEY_PREFIX = 'sk_';

export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `${KEY_PREFIX}${randomBytes(30).toString('base64url')}`;
  return { key, prefix: key.slice(0, 11), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
