import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

// The API's routes as they are on disk: every `route.ts` under app/api, named by its folder
// (`sessions/[id]/stop`), and the HTTP methods it exports. Tests that must cover every route
// build their lists from here, so a new route is covered (or fails them) without being listed.

const API_DIR = 'app/api';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Every route under app/api, by its folder relative to app/api (`''` would be app/api itself). */
export function routeFiles(dir = API_DIR): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return routeFiles(path);
      return name === 'route.ts' ? [relative(API_DIR, dir).split(sep).join('/')] : [];
    })
    .sort();
}

/** The source of a route's `route.ts`. */
export function routeSource(route: string): string {
  return readFileSync(join(API_DIR, route, 'route.ts'), 'utf8');
}

/** The HTTP methods a route's file exports (`export const GET`, `export function GET`, `handle as GET`). */
export function exportedMethods(route: string): HttpMethod[] {
  const source = routeSource(route);
  return HTTP_METHODS.filter((method) =>
    new RegExp(`export const ${method}\\b|as ${method}\\b|export (async )?function ${method}\\b`).test(source),
  );
}

/** Whether a route has a dynamic segment: `[id]`, `[...rest]` or `[[...rest]]`. */
export const isDynamic = (route: string) => /\[/.test(route);

/** The route's URL path with every dynamic segment filled in with `value`: `/api/sessions/any/stop`. */
export function pathOf(route: string, value = 'any'): string {
  const filled = route
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith('[') ? encodeURIComponent(value) : segment));
  return ['/api', ...filled].join('/');
}
