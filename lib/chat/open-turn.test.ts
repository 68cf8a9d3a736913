import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { Admission } from '../admission/admit';
import type { Outcome } from '../ai/outcome';
import type { RunPart } from '../ai/run';
import type { StoredMessage } from '../db/owned';
import type { ErrorCode } from '../errors';
import type { ChatTurn, TurnInput } from './open-turn';
import { scratchDatabase } from '../../tests/support/scratch-database';
import { processSingleton } from '../singleton';

// Chat turns on an SQLite file, with the offline model: what is stored, when the session and the
// stream's place are freed, and how a turn is refused, stopped or left by its client.
// lib/env.ts reads the settings once as it loads, so they are set before any app module is.
// Every assert.ok has a message: without one, Node words the failure by reading the test's source
// again, which under tsx's loader hooks can take minutes (nodejs/node#52962).

const database = scratchDatabase('open-turn');
Object.assign(process.env, {
  LOG_LEVEL: 'silent',
  MODEL: 'offline',
  // Paced, so a turn is still streaming while the test opens another or stops it (a reply is
  // some 80 tokens: 400 ms at the least).
  OFFLINE_TOKEN_DELAY_MS: '5',
  MAX_CONCURRENT_STREAMS: '2',
  RATE_LIMIT_PER_MINUTE: '0',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0',
  DAILY_TOKEN_BUDGET: '0',
  DAILY_INPUT_TOKEN_BUDGET: '0',
});
delete process.env.REDIS_URL;

// The server's lifecycle, made before the app loads, under the key scripts/serve.mjs uses, to count the
// streams this process holds.
const lifecycle = processSingleton('lifecycle', () => ({ draining: false, open: new Set<AbortController>() }));

const { openTurn } = await import('./open-turn');
const { stopTurn } = await import('./stop');
const { admitStream } = await import('../admission/admit');
const { AppError } = await import('../errors');
const { db } = await import('../db/client');
const { forOwner } = await import('../db/owned');
const { flushUsage } = await import('../db/usage');
const { createUser } = await import('../db/users');

after(async () => {
  await flushUsage();
  await db().$disconnect();
  database.remove();
});

const alice = (await createUser('alice@example.com', 'correct horse battery'))!.id;
const bob = (await createUser('bob@example.com', 'correct horse battery'))!.id;

/** How every offline answer ends: a reply stored with it was stored whole. */
const SIGN_OFF = 'to stream answers from a real model.';

/**
 * An admission of the user's, and every call to its `release`: what it was given, whether the
 * place was still held then, and what was stored then.
 */
async function admit(userId: string, sessionId: string) {
  const real = await admitStream({ userId, address: '127.0.0.1', endpoint: 'chat' });
  const releases: Array<Outcome | undefined> = [];
  let heldAtRelease: boolean | undefined;
  let storedAtRelease: Promise<StoredMessage[]> | undefined;
  let released!: () => void;
  const whenReleased = new Promise<void>((resolve) => (released = resolve));
  const admission: Admission = {
    controller: real.controller,
    get started() {
      return real.started;
    },
    startRun: (request, options) => real.startRun(request, options),
    release(outcome) {
      releases.push(outcome);
      heldAtRelease ??= lifecycle.open.has(real.controller);
      storedAtRelease ??= forOwner(userId).messages.list(sessionId);
      real.release(outcome);
      released();
    },
  };
  return { admission, releases, whenReleased, heldAtRelease: () => heldAtRelease, storedAtRelease: () => storedAtRelease };
}

const turnOf = (sessionId: string, input: TurnInput): ChatTurn => ({ sessionId, input, maxOutputTokens: 500 });
const ask = (text: string, more: { id?: string; replaces?: string } = {}): TurnInput => ({ kind: 'message', text, ...more });

/** Opens a turn in its own admission. */
async function open(userId: string, sessionId: string, input: TurnInput) {
  const watched = await admit(userId, sessionId);
  // A refused turn's place is released as the route releases it (lib/http/streaming-route.ts).
  const turn = await openTurn(userId, watched.admission, turnOf(sessionId, input)).catch((error: unknown) => {
    watched.admission.release();
    throw error;
  });
  return { ...watched, ...turn };
}

async function readAll(parts: ReadableStream<RunPart>, reader = parts.getReader()): Promise<RunPart[]> {
  const read: RunPart[] = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) read.push(next.value);
  return read;
}

/** A whole turn: opened, its parts read to the end, its messages read back. */
async function converse(userId: string, sessionId: string, input: TurnInput) {
  const turn = await open(userId, sessionId, input);
  const parts = await readAll(turn.run.parts);
  // Taken as the client's copy ends, before anything else is read from the database.
  const releasedAtEnd = turn.releases.length;
  return { ...turn, parts, releasedAtEnd, stored: await forOwner(userId).messages.list(sessionId) };
}

const deltasOf = (parts: RunPart[]) => parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
const textOf = (message: StoredMessage | undefined) =>
  (message?.parts ?? []).flatMap((part) => ((part as { type: string }).type === 'text' ? [(part as { text: string }).text] : [])).join('');

/** The stream's place is free again: none held in the process, and the user may open as many as ever. */
async function assertPlacesFree(userId: string) {
  assert.equal(lifecycle.open.size, 0, 'no stream is held in the process');
  const places = [
    await admitStream({ userId, address: '127.0.0.1', endpoint: 'chat' }),
    await admitStream({ userId, address: '127.0.0.1', endpoint: 'chat' }),
  ];
  for (const place of places) place.release();
}

/**
 * Opens a turn that must be refused with `code`: an AppError, no run started, the turn's
 * controller aborted. Then the admission is released as the route does after any refusal
 * (lib/http/streaming-route.ts; a second release does nothing).
 */
async function refused(code: ErrorCode, userId: string, sessionId: string, input: TurnInput) {
  const watched = await admit(userId, sessionId);
  const error = await openTurn(userId, watched.admission, turnOf(sessionId, input)).then(
    async (turn) => {
      // Opened after all: stopped and stored before the test fails, so the next test starts clean.
      watched.admission.controller.abort();
      await readAll(turn.run.parts);
      assert.fail(`opened; expected ${code}`);
    },
    (error: unknown) => error,
  );
  /** How often openTurn released the admission itself. */
  const releasedByTurn = watched.releases.length;
  watched.admission.release();
  assert.ok(error instanceof AppError, `an AppError, not ${String(error)}`);
  assert.equal(error.code, code);
  assert.equal(watched.admission.started, false, 'no run started');
  return { error, releasedByTurn, aborted: watched.admission.controller.signal.aborted };
}

describe('openTurn', () => {
  test('a message turn stores the message and a complete reply with parts and usage, before the client’s copy ends', async () => {
    const sessionId = randomUUID();
    const turn = await converse(alice, sessionId, ask('Tell me about tides', { id: 'msg-client-1' }));

    assert.deepEqual(
      turn.parts.filter((part) => part.type === 'start' || part.type === 'finish').map((part) => part.type),
      ['start', 'finish'],
    );
    const [question, reply] = turn.stored;
    assert.equal(turn.stored.length, 2);
    assert.deepEqual(
      { id: question!.id, role: question!.role, status: question!.status, parts: question!.parts },
      {
        id: 'msg-client-1',
        role: 'user',
        status: 'complete',
        parts: [{ type: 'text', text: 'Tell me about tides' }],
      },
    );
    assert.equal(reply!.id, turn.replyId);
    assert.equal(reply!.role, 'assistant');
    assert.equal(reply!.status, 'complete', 'stored before the client’s copy ended');
    assert.equal(reply!.model, 'offline');
    assert.equal(reply!.failureCode, null);
    assert.deepEqual(
      reply!.parts.map((part) => (part as { type: string }).type),
      ['step-start', 'text'],
    );
    assert.equal(textOf(reply), deltasOf(turn.parts), 'the stored text is what the client was sent');
    assert.ok(textOf(reply).endsWith(SIGN_OFF), 'the whole reply is stored');
    assert.ok(reply!.usage && reply!.usage.inputTokens! > 0 && reply!.usage.outputTokens! > 0, `usage ${JSON.stringify(reply!.usage)}`);
    assert.equal(reply!.usage.totalTokens, reply!.usage.inputTokens! + reply!.usage.outputTokens!);
    assert.equal((await forOwner(alice).sessions.find(sessionId))?.title, 'Tell me about tides');

    // The place was freed once, with how the run ended, after the reply was stored; the session too.
    assert.deepEqual(
      turn.releases.map((outcome) => outcome?.kind),
      ['finished'],
    );
    assert.equal(turn.releasedAtEnd, 1, 'stored and released before the client’s copy ended');
    assert.equal(turn.heldAtRelease(), true, 'the place was held until then, not freed as the run ended');
    assert.equal((await turn.storedAtRelease())?.at(-1)?.status, 'complete', 'the reply was stored when the place was freed');
    assert.equal(await forOwner(alice).sessions.isStreaming(sessionId), false);
    await assertPlacesFree(alice);

    // The next turn answers with the history.
    const next = await converse(alice, sessionId, ask('And waves?'));
    assert.equal(next.stored.length, 4);
    assert.match(textOf(next.stored[3]), /Earlier in this conversation you asked: “Tell me about tides”/);
  });

  test('a second turn while one streams is session_busy; the first goes on and is stored', async () => {
    const sessionId = randomUUID();
    const first = await open(alice, sessionId, ask('Tell me about tides'));
    await refused('session_busy', alice, sessionId, ask('Me again'));
    await readAll(first.run.parts);
    const stored = await forOwner(alice).messages.list(sessionId);
    assert.deepEqual(
      stored.map((message) => [message.role, message.status]),
      [
        ['user', 'complete'],
        ['assistant', 'complete'],
      ],
    );
    assert.deepEqual(
      first.releases.map((outcome) => outcome?.kind),
      ['finished'],
    );
    await assertPlacesFree(alice);
    // Once the reply is stored, the session takes the next turn.
    assert.equal((await converse(alice, sessionId, ask('Me again'))).stored.length, 4);
  });

  test('another user’s session is not_found, and stays as it was', async () => {
    const sessionId = randomUUID();
    const before = (await converse(alice, sessionId, ask('Tell me about tides'))).stored;
    await refused('not_found', bob, sessionId, ask('Let me in'));
    await refused('not_found', bob, sessionId, { kind: 'regenerate' });
    assert.equal(await forOwner(alice).sessions.isStreaming(sessionId), false, 'the refused turn claimed nothing');
    assert.deepEqual(await forOwner(alice).messages.list(sessionId), before);
    assert.ok(await forOwner(alice).sessions.find(sessionId), 'the owner still has the session');
    await assertPlacesFree(bob);
  });

  test('regenerate with nothing to answer is invalid_parameter (trigger), and leaves no empty session behind', async () => {
    const sessionId = randomUUID();
    const { error, releasedByTurn, aborted } = await refused('invalid_parameter', alice, sessionId, { kind: 'regenerate' });
    assert.equal(error.options.field, 'trigger');
    assert.equal(releasedByTurn, 1, 'openTurn released the admission itself, once');
    assert.ok(aborted, 'the turn’s controller is aborted');
    assert.equal(await forOwner(alice).sessions.find(sessionId), undefined);
    assert.equal(await forOwner(alice).sessions.isStreaming(sessionId), false);
    await assertPlacesFree(alice);
  });

  test('regenerate answers the last question again, in place of its reply', async () => {
    const sessionId = randomUUID();
    const before = (await converse(alice, sessionId, ask('Tell me about tides'))).stored;
    const again = await converse(alice, sessionId, { kind: 'regenerate' });
    assert.equal(again.stored.length, 2);
    assert.deepEqual(again.stored[0], before[0]);
    assert.equal(again.stored[1]!.id, again.replyId);
    assert.notEqual(again.replyId, before[1]!.id);
    assert.equal(again.stored[1]!.status, 'complete');
    assert.equal(textOf(again.stored[1]), textOf(before[1]));
  });

  test('an edit of an unknown id (or of a reply) is invalid_parameter (messageId), and the history is kept', async () => {
    const sessionId = randomUUID();
    await converse(alice, sessionId, ask('Tell me about tides'));
    const before = (await converse(alice, sessionId, ask('And waves?'))).stored;
    for (const replaces of ['msg-unknown', before[1]!.id]) {
      const { error, releasedByTurn, aborted } = await refused('invalid_parameter', alice, sessionId, ask('Edited', { replaces }));
      assert.equal(error.options.field, 'messageId');
      assert.equal(releasedByTurn, 1, 'openTurn released the admission itself, once');
      assert.ok(aborted, 'the turn’s controller is aborted');
      assert.equal(await forOwner(alice).sessions.isStreaming(sessionId), false, 'the session claim is let go');
    }
    assert.deepEqual(await forOwner(alice).messages.list(sessionId), before);
    await assertPlacesFree(alice);

    // An edit of a message of the user's cuts the history there.
    const edited = await converse(alice, sessionId, ask('Tell me about the moon', { replaces: before[0]!.id }));
    assert.deepEqual(
      edited.stored.map((message) => [message.role, textOf(message).slice(0, 60)]),
      [
        ['user', 'Tell me about the moon'],
        ['assistant', textOf(edited.stored[1]).slice(0, 60)],
      ],
    );
    assert.doesNotMatch(textOf(edited.stored[1]), /Earlier in this conversation/);
  });

  test('stopTurn aborts a streaming turn, and the reply is stored stopped with what it had', async () => {
    const sessionId = randomUUID();
    const turn = await open(alice, sessionId, ask('Tell me about tides'));
    const reader = turn.run.parts.getReader();
    const read: RunPart[] = [];
    while (!read.some((part) => part.type === 'text-delta')) {
      const next = await reader.read();
      assert.ok(!next.done, 'the reply ended before it could be stopped');
      read.push(next.value);
    }
    assert.equal(await stopTurn(alice, sessionId), true);
    read.push(...(await readAll(turn.run.parts, reader)));

    assert.ok(
      read.some((part) => part.type === 'abort'),
      'the client is sent the abort',
    );
    const reply = (await forOwner(alice).messages.list(sessionId))[1];
    assert.equal(reply?.status, 'stopped');
    assert.equal(reply.failureCode, null);
    assert.ok(textOf(reply).length > 0, 'what was said before the stop is kept');
    assert.equal(textOf(reply), deltasOf(read));
    assert.ok(!textOf(reply).endsWith(SIGN_OFF), 'stopped mid-reply');
    assert.deepEqual(
      turn.releases.map((outcome) => outcome?.kind),
      ['aborted'],
    );
    assert.equal((await turn.storedAtRelease())?.at(-1)?.status, 'stopped');
    await assertPlacesFree(alice);
    assert.equal(await stopTurn(alice, sessionId), false, 'nothing streams there now');
  });

  test('a client that cancels its copy of the parts does not stop the reply from being stored whole', async () => {
    const sessionId = randomUUID();
    const turn = await open(alice, sessionId, ask('Tell me about tides'));
    const reader = turn.run.parts.getReader();
    await reader.read();
    await reader.cancel();
    await turn.whenReleased;

    const reply = (await forOwner(alice).messages.list(sessionId))[1];
    assert.equal(reply?.status, 'complete');
    assert.ok(textOf(reply).endsWith(SIGN_OFF), 'the whole reply is stored');
    assert.ok(reply.usage && reply.usage.outputTokens! > 0, `usage ${JSON.stringify(reply.usage)}`);
    assert.deepEqual(
      turn.releases.map((outcome) => outcome?.kind),
      ['finished'],
    );
    assert.equal(turn.admission.controller.signal.aborted, false, 'the run was not stopped');
    assert.equal(await forOwner(alice).sessions.isStreaming(sessionId), false);
    await assertPlacesFree(alice);
  });

  // openTurn frees the place itself on every refusal, those before its claim on the session too.
  test('openTurn releases the admission itself on not_found and session_busy', async () => {
    const sessionId = randomUUID();
    const first = await open(alice, sessionId, ask('Tell me about tides'));
    const busy = await refused('session_busy', alice, sessionId, ask('Me again'));
    await readAll(first.run.parts);
    const notFound = await refused('not_found', bob, sessionId, ask('Let me in'));
    assert.deepEqual(
      { busy: [busy.releasedByTurn, busy.aborted], notFound: [notFound.releasedByTurn, notFound.aborted] },
      { busy: [1, true], notFound: [1, true] },
    );
  });
});
