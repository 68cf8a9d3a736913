import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame } from '../../lib/protocols/sse';
import { parseFrames } from '../support/sse';

test('a data frame is one JSON data line and a blank line', () => {
  assert.equal(encodeFrame({ data: { text: 'hi' } }), 'data: {"text":"hi"}\n\n');
});

test('a named event puts its name on the line before the data', () => {
  assert.equal(encodeFrame({ event: 'done', data: {} }), 'event: done\ndata: {}\n\n');
});

test('newlines and SSE look-alikes inside a delta cannot break the framing', () => {
  const tricky = 'line\n\nevent: done\r\ndata: {}\n';
  const encoded = encodeFrame({ data: { text: tricky } });
  assert.equal(encoded.split('\n').length, 3, 'one data line, then the blank line');
  assert.deepEqual(parseFrames(encoded), [{ data: { text: tricky } }]);
});

test('unicode passes through intact', () => {
  const encoded = encodeFrame({ data: { text: '😀 漢字 \u2028' } });
  assert.deepEqual(parseFrames(encoded), [{ data: { text: '😀 漢字 \u2028' } }]);
});
