import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseEnv } from '../../lib/env';
import { contentSecurityPolicy } from '../../lib/http/security-headers';

// The CORS allow-list as configured, and the page policy in production and in `next dev`.
// Over HTTP: tests/api/headers.test.ts; in the browser: tests/e2e/security.spec.ts.

describe('CORS allow-list (CORS_ORIGINS)', () => {
  test('entries become exact origins, as browsers send them', () => {
    assert.deepEqual(parseEnv({ CORS_ORIGINS: 'https://App.example/, http://localhost:3000' }).CORS_ORIGINS, [
      'https://app.example',
      'http://localhost:3000',
    ]);
  });

  test('a wildcard, a path or anything but an http(s) origin stops start-up', () => {
    for (const entry of ['*', 'null', 'app.example', 'ftp://files.example', 'http://localhost:3000/path', 'https://a.example?x=1']) {
      assert.throws(() => parseEnv({ CORS_ORIGINS: `https://ok.example, ${entry}` }), { message: /^Invalid setting CORS_ORIGINS: / }, entry);
    }
  });

  test('an empty setting allows nobody', () => {
    assert.deepEqual(parseEnv({ CORS_ORIGINS: ' ' }).CORS_ORIGINS, []);
  });
});

describe('Content-Security-Policy', () => {
  test('production: scripts by nonce only, no eval, no inline styles, no framing', () => {
    const csp = contentSecurityPolicy('abc', false);
    assert.match(csp, /script-src 'self' 'nonce-abc' 'strict-dynamic';/);
    assert.match(csp, /style-src 'self' 'nonce-abc';/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe/);
  });

  test('development adds what next dev needs', () => {
    const csp = contentSecurityPolicy('abc', true);
    assert.match(csp, /script-src 'self' 'nonce-abc' 'strict-dynamic' 'unsafe-eval';/);
    assert.match(csp, /style-src 'self' 'unsafe-inline';/);
  });
});
