import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowedOrigins } from '../../lib/http/cors';
import { contentSecurityPolicy } from '../../lib/http/security-headers';

// The CORS allow-list as configured, and the page policy in production and in `next dev`.
// Over HTTP: tests/api/headers.test.ts; in the browser: tests/e2e/security.spec.ts.

describe('CORS allow-list', () => {
  test('entries become exact origins; wildcards and non-origins are dropped', () => {
    const origins = allowedOrigins(['https://App.example/', 'http://localhost:3000/path', '*', 'null', 'app.example', 'ftp://files.example']);
    assert.deepEqual([...origins], ['https://app.example', 'http://localhost:3000']);
  });

  test('an empty setting allows nobody', () => {
    assert.equal(allowedOrigins([]).size, 0);
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
