import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A migrated SQLite file of its own for one unit-test file, for tests that load the app's modules
// in-process. lib/env.ts reads process.env once, as it first loads: call this, and set the other
// settings, before importing any app module (with `await import()`).

const DB_SCRIPT = fileURLToPath(new URL('../../scripts/db.mjs', import.meta.url));

export interface ScratchDatabase {
  /** The `file:` URL, also set as DATABASE_URL. */
  url: string;
  /** Deletes the folder that holds the file (and DATA_DIR). */
  remove(): void;
}

/** Makes the folder, points DATABASE_URL and DATA_DIR at it, and applies the migrations. */
export function scratchDatabase(name: string): ScratchDatabase {
  const dir = mkdtempSync(join(tmpdir(), `streamwright-${name}-`));
  const url = `file:${join(dir, 'test.db')}`;
  process.env.DATABASE_URL = url;
  process.env.DATA_DIR = dir;
  // Started in the scratch folder, so no .env file of the checkout is read.
  const migrated = spawnSync(process.execPath, [DB_SCRIPT, 'deploy'], { cwd: dir, env: process.env, encoding: 'utf8' });
  if (migrated.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`migrations failed:\n${migrated.stdout}${migrated.stderr}`);
  }
  return { url, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
