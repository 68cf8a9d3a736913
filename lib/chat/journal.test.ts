import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UIMessageChunk } from 'ai';

// Resumable replies kept in this process (no REDIS_URL): what a reader who reconnects gets. In
// Redis, and over HTTP: tests/api/ (the resume tests).

// lib/env.ts reads process.env as it loads: without Redis before the journal is imported.
delete process.env.REDIS_URL;
const { openJournal, readJournal } = await import('./journal');
const { processSingleton } = await import('../singleton');

const delta = (text: string): UIMessageChunk => ({ type: 'text-delta', id: 't', delta: text });
const texts = (chunks: UIMessageChunk[]) => chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.delta : chunk.type));

let sessions = 0;
const newSession = () => `session-${++sessions}`;

const outstanding = new WeakMap<ReadableStreamDefaultReader<UIMessageChunk>, Promise<string>>();

/**
 * The next chunk, `'waiting'` when none comes within 20 ms, `'end'` when the stream closes. A read
 * that is still waiting is kept for the next call, so no chunk is lost to the timeout.
 */
async function next(reader: ReadableStreamDefaultReader<UIMessageChunk>): Promise<string> {
  const read = outstanding.get(reader) ?? reader.read().then((result) => (result.done ? 'end' : texts([result.value])[0]!));
  outstanding.set(reader, read);
  const got = await Promise.race([read, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 20))]);
  if (got !== 'waiting') outstanding.delete(reader);
  return got;
}

/** Reads the stream to its end (failing past `limit` chunks, where a broken reader would spin). */
async function readAll(stream: ReadableStream<UIMessageChunk>, limit = 1000) {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (let got = await reader.read(); !got.done; got = await reader.read()) {
    chunks.push(got.value);
    if (chunks.length > limit) assert.fail(`more than ${limit} chunks: ${texts(chunks.slice(0, 5)).join(' ')} …`);
  }
  return texts(chunks);
}

async function reader(sessionId: string) {
  const stream = await readJournal(sessionId);
  assert.ok(stream, 'a reply is streaming');
  return stream.getReader();
}

describe('a reply streaming into the journal', { timeout: 5000 }, () => {
  test('a reader gets it from its first chunk, then live as it arrives, then the end', async () => {
    const id = newSession();
    const journal = openJournal(id);
    journal.append({ type: 'start', messageId: 'm1' });
    journal.append(delta('Hel'));
    const read = await reader(id);
    assert.equal(await next(read), 'start');
    assert.equal(await next(read), 'Hel');
    assert.equal(await next(read), 'waiting', 'nothing more yet');
    // The read left waiting is woken by the next chunk.
    journal.append(delta('lo'));
    journal.append(delta('!'));
    assert.equal(await next(read), 'lo');
    assert.equal(await next(read), '!');
    journal.append({ type: 'finish' });
    journal.end();
    assert.equal(await next(read), 'finish');
    assert.equal(await next(read), 'end');
  });

  test('a read waiting when the reply ends is told the end', async () => {
    const id = newSession();
    const journal = openJournal(id);
    const read = await reader(id);
    const pending = read.read();
    journal.end();
    assert.equal((await pending).done, true);
  });

  test('a reply with no chunks yet can be read, and waits', async () => {
    const id = newSession();
    const journal = openJournal(id);
    const read = await reader(id);
    assert.equal(await next(read), 'waiting');
    journal.append(delta('first'));
    assert.equal(await next(read), 'first');
    journal.end();
  });

  test('a reader slower than the writer still gets every chunk once, in order, after the end', async () => {
    const id = newSession();
    const journal = openJournal(id);
    const stream = (await readJournal(id))!;
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`);
    for (const word of words) journal.append(delta(word));
    journal.end();
    assert.deepEqual(await readAll(stream), words);
  });

  test('two readers, one from the start and one joining late, each get the whole reply', async () => {
    const id = newSession();
    const journal = openJournal(id);
    const early = (await readJournal(id))!;
    const earlyRead = readAll(early);
    journal.append(delta('a'));
    journal.append(delta('b'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const late = (await readJournal(id))!;
    const lateRead = readAll(late);
    journal.append(delta('c'));
    journal.end();
    assert.deepEqual(await earlyRead, ['a', 'b', 'c']);
    assert.deepEqual(await lateRead, ['a', 'b', 'c']);
  });

  test('one chunk wakes every reader waiting for it', async () => {
    const id = newSession();
    const journal = openJournal(id);
    const [one, two, three] = [await reader(id), await reader(id), await reader(id)];
    for (const read of [one, two, three]) assert.equal(await next(read), 'waiting');
    journal.append(delta('x'));
    assert.deepEqual([await next(one), await next(two), await next(three)], ['x', 'x', 'x']);
    journal.end();
  });

  test('a reader that leaves does not hold up another', async () => {
    const id = newSession();
    const journal = openJournal(id);
    const leaving = await reader(id);
    const staying = await reader(id);
    journal.append(delta('a'));
    assert.equal(await next(leaving), 'a');
    await leaving.cancel();
    journal.append(delta('b'));
    journal.end();
    assert.deepEqual([await next(staying), await next(staying), await next(staying)], ['a', 'b', 'end']);
  });
});

describe('no reply streaming', { timeout: 5000 }, () => {
  test('a session that never streamed has nothing to read', async () => {
    assert.equal(await readJournal(newSession()), undefined);
  });

  test('once the reply has ended there is nothing to read (the stored message has it)', async () => {
    const id = newSession();
    const journal = openJournal(id);
    journal.append(delta('done'));
    journal.end();
    assert.equal(await readJournal(id), undefined);
    const kept = processSingleton('journals', () => new Map<string, unknown>());
    assert.equal(kept.has(id), false, 'an ended reply is not kept in memory');
  });

  test('a new reply replaces the last: readers get only the new one, and the old one ending leaves it', async () => {
    const id = newSession();
    const first = openJournal(id);
    first.append(delta('old'));
    const second = openJournal(id);
    second.append(delta('new'));
    first.end();
    const read = await reader(id);
    assert.equal(await next(read), 'new');
    second.end();
    assert.equal(await next(read), 'end');
    assert.equal(await readJournal(id), undefined);
  });

  test('sessions are kept apart', async () => {
    const [one, two] = [newSession(), newSession()];
    const a = openJournal(one);
    const b = openJournal(two);
    a.append(delta('for one'));
    b.append(delta('for two'));
    const readOne = (await readJournal(one))!;
    a.end();
    assert.deepEqual(await readAll(readOne), ['for one']);
    const readTwo = await reader(two);
    assert.equal(await next(readTwo), 'for two');
    b.end();
  });
});
