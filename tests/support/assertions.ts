import assert from 'node:assert/strict';
import type { Frame } from './sse';

/** Partial reports grow toward the final one: no frame repeats, none loses what an earlier had. */
export function assertFillsIn(partials: Frame[], final: Record<string, unknown>) {
  assert.ok(partials.length >= 4, `expected several partial frames, got ${partials.length}`);
  const texts = partials.map((p) => JSON.stringify(p.data));
  texts.forEach((text, i) => assert.notEqual(text, texts[i - 1], `frame ${i} repeats frame ${i - 1}`));
  for (let i = 1; i < partials.length; i++) {
    const before = Object.keys(partials[i - 1]!.data as object);
    const now = Object.keys(partials[i]!.data as object);
    assert.deepEqual(now.slice(0, before.length), before, 'fields fill in order and stay');
  }
  assert.deepEqual(partials.at(-1)?.data, final);
  assert.deepEqual(Object.keys(partials[0]!.data as object), ['title']);
}

export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
