import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deeperThan } from './input';

// The nesting check runs before any schema, so it must not recurse itself.

const arrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

test('counts objects and arrays, not scalars, and stops at the limit', () => {
  assert.equal(deeperThan({ a: 1 }, 1), false);
  assert.equal(deeperThan({ a: { b: 'deep string' } }, 1), true);
  assert.equal(deeperThan('text', 0), false);
  assert.equal(deeperThan(arrays(64), 64), false);
  assert.equal(deeperThan(arrays(65), 64), true);
  assert.equal(deeperThan({ wide: Array.from({ length: 1000 }, () => ({ x: [1] })) }, 4), false, 'wide is not deep');
  assert.equal(deeperThan({ wide: Array.from({ length: 1000 }, () => ({ x: [1] })) }, 3), true);
});

test('a million levels are judged without overflowing the stack', () => {
  assert.equal(deeperThan(arrays(1_000_000), 64), true);
});
