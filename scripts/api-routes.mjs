#!/usr/bin/env node
// The API's route files as a module the metrics labels are made from (lib/ops/metrics.ts), so a
// new route is labelled without anyone listing it:
//
//   node scripts/api-routes.mjs [--check]   write (or check) lib/ops/api-routes.ts from app/api/**/route.ts
//
// The build runs the check; tests/unit/metrics-labels.test.ts compares the list with the tree too.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const API_DIR = join(root, 'app/api');
const OUTPUT = join(root, 'lib/ops/api-routes.ts');

/** Every folder under app/api with a route.ts, relative to app/api: `sessions/[id]/stop`. */
function routeFolders(dir = API_DIR) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return routeFolders(join(dir, entry.name));
    return entry.name === 'route.ts' ? [relative(API_DIR, dir).split(sep).join('/')] : [];
  });
}

const text = `// Written by scripts/api-routes.mjs from the route files under app/api: run \`npm run api-routes\`, do not edit.

/** Every folder under app/api that holds a route.ts. */
export const API_ROUTE_FOLDERS = [
${routeFolders()
  .sort()
  .map((folder) => `  '${folder}',\n`)
  .join('')}] as const;
`;

const current = existsSync(OUTPUT) ? readFileSync(OUTPUT, 'utf8') : '';
if (current !== text) {
  if (process.argv.includes('--check')) {
    console.error(`${relative(root, OUTPUT)} is out of date with the route files under app/api: run \`npm run api-routes\``);
    process.exit(1);
  }
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${relative(root, OUTPUT)}`);
}
