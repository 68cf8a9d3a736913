// Which route file under app/api a URL path reaches, chosen as Next.js chooses: a static segment
// over a dynamic one (`[id]`, one segment), a dynamic one over a catch-all (`[...rest]`, one or
// more), an optional catch-all (`[[...rest]]`, none or more) last. A route group's `(name)` is no
// part of the path. The metrics label requests by it (./metrics.ts), and the API suite finds the
// documented operation of each answer by it (tests/support/openapi-answers.ts).

/** The matcher for a route tree, given by its route folders (`sessions/[id]/stop`): the folder a path reaches, or undefined. */
export function routeMatcher(folders: readonly string[]): (path: string) => string | undefined {
  // Compiled once: the metrics run this for every request.
  const routes = folders
    .map((folder) => ({ folder, segments: folder.split('/').filter((segment) => segment !== '' && !/^\(.*\)$/.test(segment)) }))
    .sort((a, b) => byPrecedence(a.segments, b.segments))
    .map(({ folder, segments }) => ({ folder, pattern: new RegExp(`^/api${segments.map(patternOf).join('')}$`) }));
  return (path) => routes.find(({ pattern }) => pattern.test(path))?.folder;
}

function patternOf(segment: string): string {
  if (/^\[\[\.\.\..+\]\]$/.test(segment)) return '(?:/[^/]+)*';
  if (/^\[\.\.\..+\]$/.test(segment)) return '(?:/[^/]+)+';
  if (/^\[.+\]$/.test(segment)) return '/[^/]+';
  return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
}

/** Static segments before dynamic ones, dynamic before catch-alls, catch-alls before optional ones, segment by segment. */
function byPrecedence(a: string[], b: string[]): number {
  const rank = (segment: string | undefined) =>
    segment === undefined ? -1 : segment.startsWith('[[...') ? 3 : segment.startsWith('[...') ? 2 : segment.startsWith('[') ? 1 : 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const order = rank(a[i]) - rank(b[i]);
    if (order !== 0) return order;
  }
  return a.join('/').localeCompare(b.join('/'));
}
