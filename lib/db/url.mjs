import { join, resolve } from 'node:path';

// Where data lives, shared by the app and scripts/db.mjs (plain JS so the migration script runs
// without a TypeScript loader). Paths are made absolute up front: the standalone server changes
// its working directory when it starts.

/** The folder for the SQLite file and the generated auth secret: DATA_DIR, default ./.data. @param {Record<string, string | undefined>} env */
export function dataDir(env) {
  // Found at run time; the ignore comment keeps the bundler from tracing the whole project.
  return resolve(/* turbopackIgnore: true */ env.DATA_DIR?.trim() || '.data');
}

/** DATABASE_URL, or an SQLite file in the data folder. @param {Record<string, string | undefined>} env */
export function databaseUrl(env) {
  return env.DATABASE_URL?.trim() || `file:${join(/* turbopackIgnore: true */ dataDir(env), 'streamwright.db')}`;
}

/** What DATABASE_URL must look like; the app and the migration script both refuse anything else. */
export const DATABASE_URL_RULE = 'must be file:… (SQLite) or postgresql://… (PostgreSQL)';

/** @param {string} url */
export function isDatabaseUrl(url) {
  return url.startsWith('file:') || isPostgres(url);
}

/** @param {string} url */
export function isPostgres(url) {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The file an SQLite URL points at, or undefined for memory and remote URLs. @param {string} url */
export function sqliteFile(url) {
  if (!url.startsWith('file:') || url.includes(':memory:')) return undefined;
  return url.slice('file:'.length).split('?')[0];
}
