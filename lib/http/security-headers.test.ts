import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contentSecurityPolicy } from './security-headers';

// The page policy in production and in `next dev`. (The CORS allow-list as configured is read by
// lib/env.ts: lib/env.test.ts.) Over HTTP: tests/api/headers.test.ts; in the browser:
// tests/e2e/security.spec.ts.

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
