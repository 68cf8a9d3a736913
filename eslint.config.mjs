import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypeScript from 'eslint-config-next/typescript';

// The arrows of docs/architecture.md, checked: each folder of lib/ imports only the layers below it
// (lib/http and lib/openapi, the routes' own helpers and the API's description, are the top).
const layers = {
  'lib/protocols': ['http', 'db', 'admission', 'auth', 'openapi'],
  'lib/chat': ['http', 'protocols', 'auth', 'openapi'],
  'lib/admission': ['http', 'protocols', 'chat', 'auth', 'openapi'],
  'lib/auth': ['http', 'protocols', 'chat', 'admission', 'ai', 'openapi'],
  'lib/db': ['http', 'protocols', 'chat', 'admission', 'ai', 'openapi'],
  'lib/ai': ['http', 'protocols', 'chat', 'admission', 'auth', 'db', 'openapi'],
  'lib/ops': ['http', 'protocols', 'chat', 'admission', 'auth', 'db', 'ai', 'openapi'],
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
  globalIgnores(['.next/**', 'node_modules/**', '.ci/**', 'lib/generated/**', 'next-env.d.ts']),
]);
