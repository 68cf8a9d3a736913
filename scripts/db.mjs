#!/usr/bin/env node
// Database tooling without Prisma's native schema engine (no npm package ships it): Prisma's own
// WebAssembly schema engine, driven through the same driver adapters the app uses.
//
//   node scripts/db.mjs schemas [--check]   write (or check) prisma/{sqlite,postgresql}/schema.prisma
//   node scripts/db.mjs generate            generate both Prisma clients into lib/generated/
//   node scripts/db.mjs deploy              apply committed migrations to DATABASE_URL (default: SQLite file)
//   node scripts/db.mjs migrate NAME        write a migration for both providers from the model change
//
// `migrate` diffs the saved schema snapshot against prisma/models.prisma, so no shadow database
// is needed; it needs PostgreSQL only to speak its dialect (MIGRATE_POSTGRES_URL, default local).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DATABASE_URL_RULE, databaseUrl, isDatabaseUrl, isPostgres, sqliteFile } from '../lib/db/url.mjs';
import { invalidSetting, loadEnvironment } from '../lib/environment.mjs';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);

// The settings the server will start with (the .env files of the folder it runs in, blank values
// dropped), so migrations go to the database the app will use.
loadEnvironment(process.cwd(), process.env.NODE_ENV !== 'production');

const PROVIDERS = {
  sqlite: { dir: 'prisma/sqlite', prismaProvider: 'sqlite', output: '../../lib/generated/sqlite' },
  postgresql: { dir: 'prisma/postgresql', prismaProvider: 'postgresql', output: '../../lib/generated/postgresql' },
};

const schemaFile = (provider) => join(root, PROVIDERS[provider].dir, 'schema.prisma');
const migrationsDir = (provider) => join(root, PROVIDERS[provider].dir, 'migrations');
const snapshotFile = (provider) => join(migrationsDir(provider), 'schema.snapshot.prisma');

function schemaText(provider) {
  const { prismaProvider, output } = PROVIDERS[provider];
  const models = readFileSync(join(root, 'prisma/models.prisma'), 'utf8');
  return `// Written by scripts/db.mjs from prisma/models.prisma: edit that file, not this one.

generator client {
  provider = "prisma-client"
  output   = "${output}"
}

datasource db {
  provider = "${prismaProvider}"
}

${models}`;
}

function schemas(check) {
  for (const provider of Object.keys(PROVIDERS)) {
    const file = schemaFile(provider);
    const wanted = schemaText(provider);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current === wanted) continue;
    if (check) fail(`${file} is out of date with prisma/models.prisma: run \`npm run db:schemas\``);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, wanted);
    console.log(`wrote ${file}`);
  }
}

function generate() {
  schemas(false);
  const prisma = join(root, 'node_modules/prisma/build/index.js');
  for (const provider of Object.keys(PROVIDERS)) {
    execFileSync(process.execPath, [prisma, 'generate', '--schema', schemaFile(provider)], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      // The CLI insists on a native engine path even for `generate`, which only uses bundled
      // WebAssembly; any existing file satisfies the check.
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: join(root, 'scripts/db.mjs'), PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
  }
  console.log('generated Prisma clients for sqlite and postgresql');
}

let loaded;

/** Prisma's WebAssembly schema engine, loaded without Node's experimental wasm-module flag. */
async function loadEngine() {
  if (loaded) return loaded;
  // The engine reports a panic's message here before it throws.
  globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (message) => console.error(`schema engine: ${message}`) };
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  loaded = glue;
  return glue;
}

async function openEngine(provider, url) {
  const glue = await loadEngine();

  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const factory = await adapterFactory(provider, url);
  const logs = [];
  const engine = await glue.SchemaEngine.new(
    { datamodels: [[schemaFile(provider), readFileSync(schemaFile(provider), 'utf8')]] },
    (line) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return { engine, logs };
}

async function adapterFactory(provider, url) {
  if (provider === 'postgresql') {
    const { PrismaPg } = await import('@prisma/adapter-pg');
    return new PrismaPg({ connectionString: url });
  }
  const file = sqliteFile(url);
  if (file) mkdirSync(dirname(file), { recursive: true });
  const { PrismaLibSql } = await import('@prisma/adapter-libsql');
  return new PrismaLibSql({ url });
}

function migrationsList(provider) {
  const baseDir = migrationsDir(provider);
  const lockPath = join(baseDir, 'migration_lock.toml');
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: (existsSync(baseDir) ? readdirSync(baseDir, { withFileTypes: true }) : [])
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .map((name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: { tag: 'ok', value: readFileSync(join(baseDir, name, 'migration.sql'), 'utf8') },
        },
      })),
  };
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

async function deploy() {
  const url = databaseUrl(process.env);
  if (!isDatabaseUrl(url)) fail(invalidSetting('DATABASE_URL', DATABASE_URL_RULE));
  const provider = isPostgres(url) ? 'postgresql' : 'sqlite';
  const { engine } = await openEngine(provider, url);
  const { appliedMigrationNames } = await engine.applyMigrations({
    migrationsList: migrationsList(provider),
    filters: NO_FILTERS,
  });
  const names = appliedMigrationNames.length ? appliedMigrationNames.join(', ') : 'none pending';
  console.log(`${provider} database up to date (applied: ${names})`);
}

async function migrate(name) {
  if (!/^[a-z0-9_]+$/.test(name ?? '')) fail('usage: node scripts/db.mjs migrate NAME (lowercase letters, digits, _)');
  schemas(false);
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const urls = {
    sqlite: 'file::memory:',
    postgresql: process.env.MIGRATE_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test',
  };
  for (const provider of Object.keys(PROVIDERS)) {
    const { engine } = await openEngine(provider, urls[provider]);
    const current = readFileSync(schemaFile(provider), 'utf8');
    const snapshot = existsSync(snapshotFile(provider)) ? readFileSync(snapshotFile(provider), 'utf8') : undefined;
    const model = (content) => ({ tag: 'schemaDatamodel', files: [{ path: schemaFile(provider), content }] });
    const { stdout } = await engine.diff({
      from: snapshot === undefined ? { tag: 'empty' } : model(snapshot),
      to: model(current),
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = (stdout ?? '').trim();
    if (!sql || sql.startsWith('-- This is an empty migration')) {
      console.log(`${provider}: no changes`);
      continue;
    }
    const dir = join(migrationsDir(provider), `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'migration.sql'), `${sql}\n`);
    writeFileSync(join(migrationsDir(provider), 'migration_lock.toml'), `provider = "${PROVIDERS[provider].prismaProvider}"\n`);
    writeFileSync(snapshotFile(provider), current);
    console.log(`${provider}: wrote ${dir}/migration.sql`);
  }
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

const [command, argument] = process.argv.slice(2);
const commands = {
  schemas: () => schemas(argument === '--check'),
  generate,
  deploy,
  migrate: () => migrate(argument),
};
if (!commands[command]) fail('usage: node scripts/db.mjs schemas [--check] | generate | deploy | migrate NAME');
try {
  await commands[command]();
} catch (error) {
  fail(`db ${command} failed: ${error?.message ?? error}`);
}
