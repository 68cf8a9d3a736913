import { newApiKey } from '../auth/api-keys';
import { newMessageId } from '../ids';
import { db, isUniqueViolation } from './client';
import { unwrittenUsage, type TokenCounts } from './usage';
import { forgetApiKeys } from './users';

// Every query on a user's own data, in one place: each one is scoped to the owner given to
// `forOwner`, so a record of another user reads as not found.

export type MessageStatus = 'streaming' | 'complete' | 'stopped' | 'failed';

export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  parts: unknown[];
  model: string | null;
  usage: TokenCounts | null;
  status: MessageStatus;
  failureCode: string | null;
  createdAt: Date;
}

/**
 * Text as search compares it: in lower case, so a query matches whatever the case, and with
 * LIKE's special characters (`%`, `_`, and PostgreSQL's escape, a backslash) moved to private-use
 * characters, so a query holding them matches them and nothing else. One character for one, so
 * places in the folded text are places in the text.
 */
const fold = (text: string) => text.toLowerCase().replace(/[%_\\]/g, (c) => FOLDED_SPECIALS[c as '%' | '_' | '\\']);
const FOLDED_SPECIALS = { '%': '\uE000', _: '\uE001', '\\': '\uE002' };

/** A message's text parts, joined: what search reads and shows. */
function plainText(parts: unknown[]): string {
  return parts
    .flatMap((part) => ((part as { type?: string }).type === 'text' ? [String((part as { text?: unknown }).text ?? '')] : []))
    .join('\n');
}

/** A chat title no other chat of the owner has: the first message's, numbered when it repeats. */
function distinctTitle(title: string, taken: string[]): string {
  const used = new Set(taken);
  if (!used.has(title)) return title;
  let n = 2;
  while (used.has(`${title} (${n})`)) n++;
  return `${title} (${n})`;
}

/** What a session is read as, alone or in a list. */
const SESSION_FIELDS = { id: true, title: true, model: true, createdAt: true, updatedAt: true } as const;

/** A page of rows fetched one past `limit`: the extra row only says there is a next page, from the last one kept. */
function pageOf<Row extends { id: string }>(rows: Row[], limit: number): { items: Row[]; nextCursor: string | undefined } {
  return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? rows[limit - 1]?.id : undefined };
}

/** A chat turn may hold its session this long; older claims are taken as left by a crash. */
const TURN_LEASE_MS = 15 * 60_000;

export function forOwner(userId: string) {
  const client = db();
  const ownSession = (id: string) => ({ id, userId });

  return {
    sessions: {
      async list({ limit, cursor }: { limit: number; cursor?: string }) {
        const rows = await client.chatSession.findMany({
          where: { userId },
          orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
          take: limit + 1,
          ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
          select: SESSION_FIELDS,
        });
        return pageOf(rows, limit);
      },

      /**
       * The owner's sessions whose title or messages hold `query` (any case), newest first, a
       * page at a time; each with the first message that matches, as a snippet around the match.
       */
      async search({ query, limit, cursor }: { query: string; limit: number; cursor?: string }) {
        const folded = fold(query);
        const rows = await client.chatSession.findMany({
          where: { userId, OR: [{ titleFolded: { contains: folded } }, { messages: { some: { textFolded: { contains: folded } } } }] },
          orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
          take: limit + 1,
          ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
          select: {
            ...SESSION_FIELDS,
            messages: { where: { textFolded: { contains: folded } }, orderBy: { position: 'asc' }, take: 1, select: { parts: true } },
          },
        });
        const page = pageOf(rows, limit);
        const items = page.items.map(({ messages, ...session }) => ({
          ...session,
          match: messages[0] ? snippet(plainText(messages[0].parts as unknown[]), folded) : undefined,
        }));
        return { items, nextCursor: page.nextCursor };
      },

      async find(id: string) {
        return (
          (await client.chatSession.findFirst({
            where: ownSession(id),
            select: SESSION_FIELDS,
          })) ?? undefined
        );
      },

      /**
       * Makes sure the session exists and is this owner's, and reads the model it remembers;
       * undefined when another user has the id.
       */
      async ensure(id: string, title: string): Promise<{ model: string | null } | undefined> {
        const existing = await client.chatSession.findUnique({ where: { id }, select: { userId: true, model: true } });
        if (existing) return existing.userId === userId ? { model: existing.model } : undefined;
        const namesake = await client.chatSession.findMany({
          where: { userId, title: { startsWith: title } },
          select: { title: true },
        });
        const distinct = distinctTitle(
          title,
          namesake.map((session) => session.title),
        );
        try {
          await client.chatSession.create({ data: { id, userId, title: distinct, titleFolded: fold(distinct) } });
          return { model: null };
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          const raced = await client.chatSession.findUnique({ where: { id }, select: { userId: true, model: true } });
          return raced?.userId === userId ? { model: raced.model } : undefined;
        }
      },

      async rename(id: string, title: string) {
        const { count } = await client.chatSession.updateMany({ where: ownSession(id), data: { title, titleFolded: fold(title) } });
        return count === 1 ? this.find(id) : undefined;
      },

      async delete(id: string): Promise<boolean> {
        const { count } = await client.chatSession.deleteMany({ where: ownSession(id) });
        return count === 1;
      },

      /** Takes the session for one streaming turn; false while another turn holds it. */
      async claimTurn(id: string, turnId: string): Promise<boolean> {
        const now = new Date();
        const { count } = await client.chatSession.updateMany({
          where: {
            ...ownSession(id),
            OR: [{ activeTurnId: null }, { activeTurnSince: { lt: new Date(now.getTime() - TURN_LEASE_MS) } }],
          },
          data: { activeTurnId: turnId, activeTurnSince: now },
        });
        return count === 1;
      },

      /** Whether a turn holds the session now (on any replica). */
      async isStreaming(id: string): Promise<boolean> {
        const since = new Date(Date.now() - TURN_LEASE_MS);
        return (
          (await client.chatSession.count({ where: { ...ownSession(id), activeTurnId: { not: null }, activeTurnSince: { gte: since } } })) >
          0
        );
      },

      /** The ids of the owner's sessions a turn holds now (on any replica). */
      async streaming(): Promise<string[]> {
        const since = new Date(Date.now() - TURN_LEASE_MS);
        const rows = await client.chatSession.findMany({
          where: { userId, activeTurnId: { not: null }, activeTurnSince: { gte: since } },
          select: { id: true },
        });
        return rows.map((row) => row.id);
      },

      async releaseTurn(id: string, turnId: string) {
        await client.chatSession.updateMany({
          where: { ...ownSession(id), activeTurnId: turnId },
          data: { activeTurnId: null, activeTurnSince: null },
        });
      },
    },

    messages: {
      async list(sessionId: string): Promise<StoredMessage[]> {
        const rows = await client.message.findMany({
          where: { sessionId, session: { userId } },
          orderBy: { position: 'asc' },
        });
        return rows.map((row) => ({
          id: row.id,
          role: row.role as StoredMessage['role'],
          parts: row.parts as unknown[],
          model: row.model,
          usage: row.usage as TokenCounts | null,
          status: row.status as MessageStatus,
          failureCode: row.failureCode,
          createdAt: row.createdAt,
        }));
      },

      /**
       * Stores a turn's start in one transaction: the stored messages it deletes (`from` a message
       * on, when one is edited), the messages it adds (the user's message, or what a client
       * brought with it), the stored messages it changes (a client tool's result filled in), and
       * an empty reply marked streaming, last, answered by `model`, which the session then
       * remembers. An added message whose id is taken gets a new one.
       */
      async startTurn(
        sessionId: string,
        turn: {
          from?: string;
          added: { id: string; role: string; parts: unknown[] }[];
          updated: { id: string; parts: unknown[] }[];
          replyId: string;
          model: string;
        },
      ) {
        await client.$transaction(async (tx) => {
          if (turn.from !== undefined) {
            const from = await tx.message.findFirst({
              where: { id: turn.from, sessionId, session: { userId } },
              select: { position: true },
            });
            if (from) await tx.message.deleteMany({ where: { sessionId, session: { userId }, position: { gte: from.position } } });
          }
          const last = await tx.message.findFirst({
            where: { sessionId, session: { userId } },
            orderBy: { position: 'desc' },
            select: { position: true },
          });
          let position = (last?.position ?? -1) + 1;
          for (const message of turn.updated) {
            await tx.message.updateMany({
              where: { id: message.id, sessionId, session: { userId } },
              data: { parts: message.parts as object[], textFolded: fold(plainText(message.parts)) },
            });
          }
          // Ids a client chose may already be taken (by any user): one query finds them all.
          const clash =
            turn.added.length === 0
              ? []
              : await tx.message.findMany({ where: { id: { in: turn.added.map((message) => message.id) } }, select: { id: true } });
          const taken = new Set(clash.map((row) => row.id));
          for (const message of turn.added) {
            await tx.message.create({
              data: {
                id: taken.has(message.id) ? newMessageId() : message.id,
                sessionId,
                position: position++,
                role: message.role,
                parts: message.parts as object[],
                textFolded: fold(plainText(message.parts)),
                status: 'complete',
              },
            });
          }
          await tx.message.create({
            data: { id: turn.replyId, sessionId, position, role: 'assistant', parts: [], model: turn.model, status: 'streaming' },
          });
          await tx.chatSession.updateMany({ where: ownSession(sessionId), data: { updatedAt: new Date(), model: turn.model } });
        });
      },

      /** Removes the session's last message if it is a reply (to answer the question again). */
      async dropLastReply(sessionId: string) {
        const last = await client.message.findFirst({
          where: { sessionId, session: { userId } },
          orderBy: { position: 'desc' },
          select: { id: true, role: true },
        });
        if (last?.role === 'assistant') await client.message.delete({ where: { id: last.id } });
      },

      async finishReply(
        sessionId: string,
        replyId: string,
        reply: { parts: unknown[]; status: MessageStatus; usage: TokenCounts | null; failureCode?: string },
      ) {
        await client.message.updateMany({
          where: { id: replyId, sessionId, session: { userId } },
          data: {
            parts: reply.parts as object[],
            textFolded: fold(plainText(reply.parts)),
            status: reply.status,
            usage: reply.usage ? { ...reply.usage } : undefined,
            failureCode: reply.failureCode ?? null,
          },
        });
      },
    },

    apiKeys: {
      async list() {
        return client.apiKey.findMany({
          where: { userId, revokedAt: null },
          orderBy: { createdAt: 'desc' },
          select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true },
        });
      },

      /** The keys revoked most lately, newest first: a record of what stopped working, and when. */
      async revoked(limit = 20) {
        return client.apiKey.findMany({
          where: { userId, revokedAt: { not: null } },
          orderBy: { revokedAt: 'desc' },
          take: limit,
          select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
        });
      },

      /** Creates a key; the only time its full text exists outside the caller is in this result. */
      async create(name: string) {
        const { key, prefix, hash } = newApiKey();
        const row = await client.apiKey.create({
          data: { userId, name, prefix, hash },
          select: { id: true, name: true, prefix: true, createdAt: true },
        });
        return { ...row, key };
      },

      async revoke(id: string): Promise<boolean> {
        const { count } = await client.apiKey.updateMany({
          where: { id, userId, revokedAt: null },
          data: { revokedAt: new Date() },
        });
        await forgetApiKeys([id]);
        return count === 1;
      },
    },

    reports: {
      async start(topic: string, model: string) {
        return client.report.create({ data: { userId, topic, model, status: 'streaming' }, select: { id: true } });
      },

      async finish(id: string, end: { status: string; report: unknown; issues?: unknown; failureCode?: string }) {
        await client.report.updateMany({
          where: { id, userId },
          data: {
            status: end.status,
            report: (end.report ?? undefined) as object | undefined,
            issues: (end.issues ?? undefined) as object | undefined,
            failureCode: end.failureCode ?? null,
          },
        });
      },

      async list(limit: number) {
        return client.report.findMany({
          where: { userId },
          orderBy: { createdAt: 'desc' },
          take: limit,
          select: { id: true, topic: true, status: true, createdAt: true },
        });
      },

      async find(id: string) {
        return (await client.report.findFirst({ where: { id, userId } })) ?? undefined;
      },
    },

    tokenUsage: {
      /** Input and output tokens spent since `since`, in one query. */
      async spentSince(since: Date): Promise<{ inputTokens: number; outputTokens: number }> {
        // Rows still in memory are taken first, and left out of the database's answer: one written meanwhile counts once.
        const unwritten = unwrittenUsage(userId, since);
        const sum = await client.tokenUsage.aggregate({
          where: { userId, createdAt: { gte: since }, id: { notIn: unwritten.map((row) => row.id) } },
          _sum: { inputTokens: true, outputTokens: true },
        });
        return unwritten.reduce(
          (spent, row) => ({ inputTokens: spent.inputTokens + row.inputTokens, outputTokens: spent.outputTokens + row.outputTokens }),
          { inputTokens: sum._sum.inputTokens ?? 0, outputTokens: sum._sum.outputTokens ?? 0 },
        );
      },

      /** Each run since `since` (its model, outcome, tokens and time), for the usage page. */
      async runsSince(since: Date) {
        const unwritten = unwrittenUsage(userId, since);
        const select = { model: true, outcome: true, inputTokens: true, outputTokens: true, totalTokens: true, createdAt: true } as const;
        const written = await client.tokenUsage.findMany({
          where: { userId, createdAt: { gte: since }, id: { notIn: unwritten.map((row) => row.id) } },
          select,
        });
        return [
          ...written,
          ...unwritten.map(({ model, outcome, inputTokens, outputTokens, totalTokens, createdAt }) => ({
            model,
            outcome,
            inputTokens,
            outputTokens,
            totalTokens,
            createdAt,
          })),
        ];
      },

      async totals() {
        const unwritten = unwrittenUsage(userId);
        const sum = await client.tokenUsage.aggregate({
          where: { userId, id: { notIn: unwritten.map((row) => row.id) } },
          _sum: { inputTokens: true, outputTokens: true, totalTokens: true },
          _count: true,
        });
        const add = (pick: (row: (typeof unwritten)[number]) => number, written: number | null) =>
          unwritten.reduce((total, row) => total + pick(row), written ?? 0);
        return {
          runs: sum._count + unwritten.length,
          inputTokens: add((row) => row.inputTokens, sum._sum.inputTokens),
          outputTokens: add((row) => row.outputTokens, sum._sum.outputTokens),
          totalTokens: add((row) => row.totalTokens, sum._sum.totalTokens),
        };
      },
    },
  };
}

/** Up to about 120 characters of `text` around the first place it holds `folded`. */
function snippet(text: string, folded: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const at = Math.max(0, fold(flat).indexOf(folded));
  const start = Math.max(0, at - 40);
  const end = Math.min(flat.length, start + 120);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}
