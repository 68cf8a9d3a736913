import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import { env } from '../env';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client';
import { processSingleton } from '../singleton';
import { isPostgres, sqliteFile } from './url.mjs';

// One Prisma client per process, for whichever database DATABASE_URL names. Both generated
// clients come from the same models, so the app is typed against one of them.

export type Db = SqliteClient;

function createDb(url: string): Db {
  if (isPostgres(url)) {
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  const file = sqliteFile(url);
  if (file) mkdirSync(dirname(file), { recursive: true });
  const client = new SqliteClient({ adapter: new PrismaLibSql({ url }) });
  // WAL lets readers run beside the writer; the timeout makes a writer wait for the lock
  // instead of failing at once. In WAL mode, synchronous=NORMAL syncs at checkpoints rather than
  // at every commit: a commit survives the process dying (only a power cut may lose the newest
  // ones), and a write no longer holds the event loop through an fsync.
  void client.$queryRawUnsafe('PRAGMA journal_mode = WAL').catch(() => {});
  void client.$queryRawUnsafe('PRAGMA synchronous = NORMAL').catch(() => {});
  void client.$queryRawUnsafe('PRAGMA busy_timeout = 5000').catch(() => {});
  return client;
}

// One per process, so every route bundle, and each development reload, uses one connection pool.
export function db(): Db {
  return processSingleton('db', () => createDb(env.DATABASE_URL));
}

/** Prisma's code for a write that broke a unique constraint (a row with that key exists). */
export const isUniqueViolation = (error: unknown) => prismaCode(error) === 'P2002';

/** Prisma's code for a write that broke a foreign key (the row it points at is gone). */
export const isForeignKeyViolation = (error: unknown) => prismaCode(error) === 'P2003';

const prismaCode = (error: unknown) => (typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined);
