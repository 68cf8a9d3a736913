import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypeScript from 'eslint-config-next/typescript';

// The arrows of docs/architecture.md, checked: each folder of lib/ imports only the layers below it.
const layers = {
  'lib/protocols': ['http', 'db', 'admission', 'auth'],
  'lib/chat': ['http', 'protocols', 'auth'],
  'lib/admission': ['http', 'protocols', 'chat', 'auth'],
  'lib/auth': ['http', 'protocols', 'chat', 'admission', 'ai'],
  'lib/db': ['http', 'protocols', 'chat', 'admission', 'ai'],
  'lib/ai': ['http', 'protocols', 'chat', 'admission', 'auth', 'db'],
  'lib/ops': ['http', 'protocols', 'chat', 'admission', 'auth', 'db', 'ai'],
};

// next-auth's route handlers (lib/auth/next-auth-route.ts) are route code kept beside the auth
// they configure: they read the request's body and address and count sign-in attempts.
const routeCode = ['lib/auth/next-auth-route.ts'];

const below = (folder, forbidden) => ({
  files: [`${folder}/**/*.ts`],
  ignores: ['**/*.test.ts', ...routeCode],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['**/app/*', '**/components/*', '@/app/*', '@/components/*'], message: 'lib/ imports neither app/ nor components/.' },
          ...forbidden.map((layer) => ({
            group: [`../${layer}/*`, `../../${layer}/*`, `@/lib/${layer}/*`],
            message: `${folder} sits below lib/${layer} (docs/architecture.md, Arrows).`,
          })),
        ],
      },
    ],
  },
});

export default defineConfig([
  ...nextVitals,
  ...nextTypeScript,
  ...Object.entries(layers).map(([folder, forbidden]) => below(folder, forbidden)),
  {
    // A module's unit test sits beside it and goes into the image's build context with it, where
    // `next build` type-checks it; tests/ does not (.dockerignore), so nothing there can be imported.
    files: ['lib/**/*.test.ts'],
    // These three still import tests/support, so the image build fails their type check: to be
    // given their helpers (parseFrames, streamOf) and taken off this list.
    ignores: ['lib/protocols/ag-ui/events.test.ts', 'lib/protocols/envelope/structured-view.test.ts', 'lib/protocols/envelope/views.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/tests/**'], message: 'lib/ tests are built without tests/ (.dockerignore): keep helpers in the test file.' }] },
      ],
    },
  },
  globalIgnores(['.next/**', 'node_modules/**', '.ci/**', 'lib/generated/**', 'next-env.d.ts']),
]);
