import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFrames } from '../../tests/support/sse';
import { SseParser, type SseEvent } from '../sse-parser';
import { encodeFrame, readSse } from './sse';

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

/** The events of `pieces` pushed one after another, then ended. */
function parse(...pieces: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const piece of pieces) parser.push(piece);
  parser.end();
  return events;
}

const STREAM = ': hello\r\nevent: first\r\ndata: {"a":1}\r\n\r\ndata:{"b":2}\ndata: {"c":3}\n\nid: 7\nretry: 10\ndata: x\r\n\r\n';
const EVENTS: SseEvent[] = [{ event: 'first', data: '{"a":1}' }, { data: '{"b":2}\n{"c":3}' }, { data: 'x' }];

test('the parser reads the same events however the text is cut, inside `\\r\\n` too', () => {
  assert.deepEqual(parse(STREAM), EVENTS);
  for (let i = 0; i <= STREAM.length; i++) assert.deepEqual(parse(STREAM.slice(0, i), STREAM.slice(i)), EVENTS, `cut at ${i}`);
  for (let i = 0; i < STREAM.length; i++) {
    for (let j = i; j <= STREAM.length; j++)
      assert.deepEqual(parse(STREAM.slice(0, i), STREAM.slice(i, j), STREAM.slice(j)), EVENTS, `cut at ${i} and ${j}`);
  }
  assert.deepEqual(parse(...STREAM), EVENTS, 'one character at a time');
});

test('data lines of one event are joined by a newline, with or without the space after the colon', () => {
  assert.deepEqual(parse('data: one\ndata:two\ndata:  three\ndata:\n\n'), [{ data: 'one\ntwo\n three\n' }]);
});

test('comments, unknown fields and events without data are passed over', () => {
  assert.deepEqual(parse(': keep-alive\n\nevent: lonely\n\nfoo: bar\ndata: 1\n\n'), [{ data: '1' }]);
});

test('an empty data line is an event; an empty event name is the default event', () => {
  assert.deepEqual(parse('event:\ndata:\n\n'), [{ data: '' }]);
});

test('the name of one event does not carry over to the next', () => {
  assert.deepEqual(parse('event: a\ndata: 1\n\ndata: 2\n\n'), [{ event: 'a', data: '1' }, { data: '2' }]);
});

test('at the end, an event without its blank line still counts', () => {
  assert.deepEqual(parse('data: 1\n\nevent: last\ndata: 2'), [{ data: '1' }, { event: 'last', data: '2' }]);
  assert.deepEqual(parse('data: 1\r\n'), [{ data: '1' }]);
  assert.deepEqual(parse('data: 1\r'), [{ data: '1' }], 'a cut `\\r\\n`');
  assert.deepEqual(parse(''), []);
});

test('readSse parses each frame as it arrives and drops one the body ends before its blank line', async () => {
  const encoder = new TextEncoder();
  const pieces = ['data: {"text":"a', '"}\r\n\r\nevent: done\r', '\ndata: {}\n\n', 'data: {"cut":'];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
  const frames = [];
  for await (const frame of readSse(new Response(body))) frames.push(frame);
  assert.deepEqual(frames, [{ data: { text: 'a' } }, { event: 'done', data: {} }]);
});

test('parseFrames holds the body to the framing encodeFrame writes', () => {
  const ok = `${encodeFrame({ data: { text: 'a' } })}: keep-alive\n\n${encodeFrame({ event: 'done', data: {} })}`;
  assert.deepEqual(parseFrames(ok), [{ data: { text: 'a' } }, { event: 'done', data: {} }]);
  assert.throws(() => parseFrames('data: 1\r\n\r\n'), /\\r line endings/);
  assert.throws(() => parseFrames('data: 1\n'), /does not end with a blank line/);
  assert.throws(() => parseFrames('data: 1\ndata: 2\n\n'), /exactly one data line/);
  assert.throws(() => parseFrames('data: 1\n\nevent: done\n\n'), /exactly one data line/);
  assert.throws(() => parseFrames('data:1\n\n'), /exactly one data line/);
});
