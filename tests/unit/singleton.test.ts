import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { processSingleton } from '../../lib/singleton';

// One instance per process whatever bundle asks (lib/singleton.ts), and the key plain JavaScript
// reaches it by. That scripts/serve.mjs and the app share the lifecycle: the SIGTERM test in
// tests/api/operations.test.ts.

describe('processSingleton', () => {
  test('the first call makes the value; later calls get that one without making another', () => {
    let made = 0;
    const first = processSingleton('test.counted', () => ({ made: ++made }));
    const second = processSingleton('test.counted', () => ({ made: ++made }));
    assert.equal(second, first);
    assert.equal(made, 1);
  });

  test('a value that is falsy is kept too', () => {
    let made = 0;
    assert.equal(
      processSingleton('test.zero', () => (made++, 0)),
      0,
    );
    assert.equal(
      processSingleton('test.zero', () => (made++, 1)),
      0,
    );
    assert.equal(made, 1);
  });

  test('a create that throws keeps nothing, so the next call tries again', () => {
    assert.throws(() => processSingleton('test.fails', () => assert.fail('no connection')));
    assert.equal(
      processSingleton('test.fails', () => 'made'),
      'made',
    );
  });

  test("kept on globalThis under Symbol.for('streamwright.' + key), where code outside the bundles finds it", async () => {
    const made = { draining: false, open: new Set<AbortController>() };
    // As scripts/serve.mjs does before the app loads.
    (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('streamwright.lifecycle')] = made;
    const { onShutdown } = await import('../../lib/ops/lifecycle');
    const write = async () => {};
    onShutdown(write);
    assert.deepEqual([...((made as { finalWrites?: Set<unknown> }).finalWrites ?? [])], [write]);
    assert.equal(
      processSingleton('test.other-key', () => 'own'),
      'own',
      'another key is another value',
    );
  });
});
