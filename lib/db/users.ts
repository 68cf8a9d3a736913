import { randomUUID } from 'node:crypto';
import { hashApiKey } from '../auth/api-keys';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { log } from '../log';
import { broadcast, listen } from '../ops/broadcast';
import { db, isUniqueViolation } from './client';
import { forgetUsage } from './usage';

// The queries that run before a user is known: sign-up, sign-in and API-key lookup. Everything
// after that goes through `forOwner` (owned.ts).

export interface AuthUser {
  id: string;
  email: string;
  name: string | null;
}

const selectUser = { id: true, email: true, name: true } as const;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Creates a user, or returns undefined when the email is taken. The password is hashed either
 * way, so the two outcomes take the same time and a caller cannot tell them apart by the clock.
 */
export async function createUser(email: string, password: string, name?: string): Promise<AuthUser | undefined> {
  const address = normaliseEmail(email);
  const [taken, passwordHash] = await Promise.all([
    db().user.findUnique({ where: { email: address }, select: { id: true } }),
    hashPassword(password),
  ]);
  if (taken) return undefined;
  try {
    return await db().user.create({ data: { email: address, name: name ?? null, passwordHash }, select: selectUser });
  } catch (error) {
    if (isUniqueViolation(error)) return undefined; // taken by a request that raced this one
    throw error;
  }
}

let standIn: Promise<string> | undefined;
/** A hash no password matches, checked for unknown emails so they cost what a wrong password costs. */
const standInHash = () =>
  (standIn ??= hashPassword(randomUUID()).catch((error: unknown) => {
    standIn = undefined; // tried again next time, never a failure kept for good
    throw error;
  }));

export async function userByCredentials(email: string, password: string): Promise<AuthUser | undefined> {
  const user = await db().user.findUnique({ where: { email: normaliseEmail(email) } });
  const matches = await verifyPassword(user?.passwordHash ?? (await standInHash()), password);
  return user && matches ? { id: user.id, email: user.email, name: user.name } : undefined;
}

/** A new signed-in session of the user's, ending `seconds` from now whatever happens to its cookie. */
export async function startSession(userId: string, seconds: number): Promise<{ id: string; expiresAt: Date }> {
  return db().authSession.create({
    data: { id: randomUUID(), userId, expiresAt: new Date(Date.now() + seconds * 1000) },
    select: { id: true, expiresAt: true },
  });
}

/**
 * The user a session cookie stands for while its session lives: not signed out, not revoked,
 * not past its end. One indexed query in the database every replica shares, so an ended
 * session is refused at once everywhere.
 */
export async function userBySession(sessionId: string): Promise<AuthUser | undefined> {
  const found = await db().authSession.findFirst({
    where: { id: sessionId, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { user: { select: selectUser } },
  });
  return found?.user;
}

/** Ends every session of the user's ("sign out everywhere"). */
export async function endAllSessions(userId: string): Promise<void> {
  await db().authSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/**
 * Sets a new password when `current` is the user's password, and ends every session of the
 * user's but `keep` (the browser that asked): a password that leaked must not leave a session
 * open. Returns whether `current` matched.
 */
export async function changePassword(userId: string, current: string, next: string, keep?: string): Promise<boolean> {
  if (!(await isPasswordOf(userId, current))) return false;
  const passwordHash = await hashPassword(next);
  await db().$transaction([
    db().user.update({ where: { id: userId }, data: { passwordHash } }),
    db().authSession.updateMany({
      where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) },
      data: { revokedAt: new Date() },
    }),
  ]);
  return true;
}

/** Whether `password` is the user's password (false for a user that does not exist). */
export async function isPasswordOf(userId: string, password: string): Promise<boolean> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return user !== null && (await verifyPassword(user.passwordHash, password));
}

/**
 * Deletes the user and, by the schema's cascades, everything of theirs: chat sessions and their
 * messages, signed-in sessions (so every cookie of theirs is refused from the next request), API
 * keys, usage and reports. Their keys stop working at once, from the key cache of every replica
 * too, and their usage still waiting to be written is dropped, so no insert fails on them.
 */
export async function deleteUser(userId: string): Promise<void> {
  const keys = await db().$transaction(async (tx) => {
    const owned = await tx.apiKey.findMany({ where: { userId }, select: { id: true } });
    await tx.user.deleteMany({ where: { id: userId } });
    return owned.map((key) => key.id);
  });
  forgetUsage(userId);
  await forgetApiKeys(keys);
}

/** Ends one session (signing out). */
export async function endSession(sessionId: string): Promise<void> {
  await db().authSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Live keys seen lately, by hash, so a client streaming many requests costs one lookup per
 * KEY_CACHE_MS rather than one per request. Revoking a key drops it at once here and, through
 * Redis, on every other replica (one that misses the word stops honouring it within
 * KEY_CACHE_MS). Unknown and revoked keys are never kept.
 */
const KEY_CACHE_MS = 10_000;
const KEY_CACHE_SIZE = 10_000;
const liveKeys = new Map<string, { keyId: string; user: AuthUser; until: number }>();
/** Bumped by every revocation: a lookup that began before one does not cache what it read. */
let revocations = 0;

/** The owner of a live (not revoked) API key; notes when it was used, at most once a minute. */
export async function userByApiKey(key: string): Promise<AuthUser | undefined> {
  const hash = hashApiKey(key);
  const known = liveKeys.get(hash);
  if (known && known.until > Date.now()) return known.user;
  liveKeys.delete(hash);

  listen(REVOKED_KEYS, (message) => dropCachedKeys(message.split(',')));
  const revokedBefore = revocations;
  const found = await db().apiKey.findUnique({
    where: { hash },
    select: { id: true, revokedAt: true, lastUsedAt: true, user: { select: selectUser } },
  });
  if (!found || found.revokedAt) return undefined;
  const now = new Date();
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiKey.update({ where: { id: found.id }, data: { lastUsedAt: now } });
  }
  // The oldest entry makes room (a Map keeps insertion order).
  if (liveKeys.size >= KEY_CACHE_SIZE) liveKeys.delete(liveKeys.keys().next().value!);
  if (revocations === revokedBefore) liveKeys.set(hash, { keyId: found.id, user: found.user, until: now.getTime() + KEY_CACHE_MS });
  return found.user;
}

const REVOKED_KEYS = 'sw:revoked-key';

/** Stops honouring keys at once on every replica (they have just been revoked or deleted). */
export async function forgetApiKeys(keyIds: string[]): Promise<void> {
  if (keyIds.length === 0) return;
  dropCachedKeys(keyIds);
  // Key ids are cuids, so a comma never occurs in one.
  await broadcast(REVOKED_KEYS, keyIds.join(',')).catch((error: unknown) => log.warn('key_revocation_unshared', { error }));
}

function dropCachedKeys(keyIds: string[]): void {
  revocations++;
  const gone = new Set(keyIds);
  for (const [hash, entry] of liveKeys) if (gone.has(entry.keyId)) liveKeys.delete(hash);
}
