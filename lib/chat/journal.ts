import type { UIMessageChunk } from 'ai';
import { log } from '../log';
import { connectedRedis, redis, redisSubscriber } from '../ops/redis';
import { processSingleton } from '../singleton';

// Resumable replies. While a reply streams into a chat session, its UI message stream is kept, so
// a client whose connection dropped can read it again from its first chunk and follow it to its
// end: nothing missing, nothing twice (the client replaces the message it had). Kept in Redis when
// REDIS_URL is set, so any replica can serve the resumed stream; otherwise, or while Redis is
// down, in this process.

type Chunk = UIMessageChunk;

export interface Journal {
  append(chunk: Chunk): void;
  end(): void;
}

/** Starts keeping a session's reply; a journal left from an earlier reply is replaced. */
export function openJournal(sessionId: string): Journal {
  return connectedRedis() ? redisJournal(sessionId) : memoryJournal(sessionId);
}

/** The session's reply from its first chunk, live to its end; undefined when none is streaming. */
export async function readJournal(sessionId: string): Promise<ReadableStream<Chunk> | undefined> {
  return readMemoryJournal(sessionId) ?? (connectedRedis() ? readRedisJournal(sessionId) : undefined);
}

// ---- in this process -----------------------------------------------------------------------------

interface Entry {
  chunks: Chunk[];
  ended: boolean;
  wake: Set<() => void>;
}

// One per process: the bundle that writes a reply and the one that resumes it are not the same.
const journals = processSingleton('journals', () => new Map<string, Entry>());

function memoryJournal(sessionId: string): Journal {
  const entry: Entry = { chunks: [], ended: false, wake: new Set() };
  journals.set(sessionId, entry);
  const notify = () => {
    for (const wake of entry.wake) wake();
    entry.wake.clear();
  };
  return {
    append(chunk) {
      entry.chunks.push(chunk);
      notify();
    },
    end() {
      entry.ended = true;
      if (journals.get(sessionId) === entry) journals.delete(sessionId);
      notify();
    },
  };
}

function readMemoryJournal(sessionId: string): ReadableStream<Chunk> | undefined {
  const entry = journals.get(sessionId);
  if (!entry || entry.ended) return undefined;
  let next = 0;
  return new ReadableStream<Chunk>({
    async pull(controller) {
      while (next >= entry.chunks.length && !entry.ended) await new Promise<void>((wake) => entry.wake.add(wake));
      if (next < entry.chunks.length) controller.enqueue(entry.chunks[next++]!);
      else controller.close();
    },
  });
}

// ---- in Redis ------------------------------------------------------------------------------------

const EXPIRE_SECONDS = 3600;
/** The writer renews `live` with every chunk: if it dies, readers see `live` lapse and stop. */
const LIVE_SECONDS = 90;
const IDLE_CHECK_MS = 5000;
const keys = (sessionId: string) => ({
  list: `sw:journal:${sessionId}`,
  channel: `sw:journal:${sessionId}`,
  live: `sw:journal-live:${sessionId}`,
});

type RedisEntry = { i: number; chunk?: Chunk; end?: true };

function redisJournal(sessionId: string): Journal {
  const client = redis()!;
  const { list, channel, live } = keys(sessionId);
  let index = 0;
  // One connection sends commands in order, so the list and the channel see chunks in order.
  const push = (entry: RedisEntry) => {
    const text = JSON.stringify(entry);
    client
      .multi()
      .rpush(list, text)
      .expire(list, EXPIRE_SECONDS)
      .expire(live, LIVE_SECONDS)
      .publish(channel, text)
      .exec()
      .catch((error: unknown) => log.warn('journal_not_written', { error }));
  };
  client
    .multi()
    .del(list)
    .set(live, '1', 'EX', LIVE_SECONDS)
    .exec()
    .catch((error: unknown) => log.warn('journal_not_written', { error }));
  return {
    append: (chunk) => push({ i: index++, chunk }),
    end() {
      push({ i: index++, end: true });
      client.del(live).catch((error: unknown) => log.warn('journal_not_written', { error }));
    },
  };
}

async function readRedisJournal(sessionId: string): Promise<ReadableStream<Chunk> | undefined> {
  const client = redis()!;
  const { list, channel, live } = keys(sessionId);
  if (!(await client.exists(live))) return undefined;
  const subscriber = redisSubscriber()!;
  const pending: RedisEntry[] = [];
  let wake: (() => void) | undefined;
  subscriber.on('message', (_channel: string, text: string) => {
    pending.push(JSON.parse(text) as RedisEntry);
    wake?.();
  });
  const close = () => void subscriber.quit().catch(() => subscriber.disconnect());
  // Subscribe first, then read what was kept: a chunk published in between is in both, and is
  // told apart by its index.
  try {
    await subscriber.subscribe(channel);
    pending.unshift(...(await client.lrange(list, 0, -1)).map((text) => JSON.parse(text) as RedisEntry));
  } catch (error) {
    close();
    log.warn('journal_unreadable', { error });
    return undefined;
  }
  let next = 0;
  return new ReadableStream<Chunk>({
    async pull(controller) {
      for (;;) {
        const entry = pending.find((candidate) => candidate.i === next);
        pending.splice(0, pending.length, ...pending.filter((candidate) => candidate.i > next));
        if (entry) {
          next++;
          if (entry.end) {
            close();
            controller.close();
          } else controller.enqueue(entry.chunk!);
          return;
        }
        const woke = await new Promise<boolean>((resolve) => {
          wake = () => resolve(true);
          setTimeout(() => resolve(false), IDLE_CHECK_MS).unref();
        });
        // Quiet for a while: if the writer is gone (its `live` lapsed), end instead of waiting forever.
        if (!woke && !(await client.exists(live).catch(() => 0))) {
          close();
          controller.close();
          return;
        }
      }
    },
    cancel: close,
  });
}
