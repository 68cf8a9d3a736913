// Completes `next build`'s standalone output into the whole runtime: the folder the container
// image copies to /app and the tests start, so what is tested is what ships. Next.js leaves out
// the static assets and public files; the image's command also needs the serving script and
// what `scripts/db.mjs deploy` applies migrations with.
import { cpSync, existsSync } from 'node:fs';

const bundle = '.next/standalone';
const copy = (from, to = from) => cpSync(from, `${bundle}/${to}`, { recursive: true });

copy('.next/static');
if (existsSync('public')) copy('public');
for (const file of ['scripts/serve.mjs', 'scripts/db.mjs', 'lib/db/url.mjs', 'lib/environment.mjs', 'prisma']) copy(file);
// The WebAssembly schema engine and the adapters it migrates through (not traced by the build).
for (const pkg of ['@prisma/schema-engine-wasm', '@prisma/driver-adapter-utils', '@prisma/debug', '@prisma/adapter-pg', 'postgres-array']) {
  copy(`node_modules/${pkg}`);
}
