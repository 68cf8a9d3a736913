import type { KnipConfig } from 'knip';

// Knip finds the files, exports and dependencies nothing uses (`npm run lint` runs it). Its
// Next.js plugin takes next.config.ts, the app router's files (page, layout, route, not-found…),
// proxy.ts and instrumentation*.ts as entry points, its Playwright plugin the specs under
// tests/e2e, and its Tailwind and PostCSS plugins their configs; the rest are named here.
const config: KnipConfig = {
  entry: [
    'scripts/*.{mjs,ts}',
    'bench/*.{mjs,ts}',
    'tests/{unit,api,reliability}/*.test.ts',
    'lib/**/*.test.ts',
    // Preloaded into the soak test's server (NODE_OPTIONS=--require …).
    'tests/support/gc-on-signal.cjs',
    // The types of the .mjs modules beside them: tsc reads these in their place (allowJs is off).
    'lib/**/*.d.mts',
  ],
  // lib/generated (the Prisma clients) is left out as .gitignore leaves it out.
  project: ['**/*.{ts,tsx,mjs,mts,cjs,css}'],
  next: true,
  playwright: true,
  // scripts/db.mjs drives Prisma (schemas, generate, migrations) itself; there is no
  // prisma/schema.prisma or prisma.config.ts for the plugin to read.
  prisma: false,
  ignoreDependencies: [
    // Loaded with createRequire in lib/environment.mjs, which knip does not follow.
    '@next/env',
    // Imported by the generated clients in lib/generated, which knip does not read.
    '@prisma/client',
    // Its CLI is run by path (node_modules/prisma/build/index.js) by scripts/db.mjs generate.
    'prisma',
    // Imported by scripts/db.mjs and copied by scripts/runtime-bundle.mjs: the copy the Prisma
    // adapters bring, so it is not listed at a version of its own.
    '@prisma/driver-adapter-utils',
  ],
};

export default config;
