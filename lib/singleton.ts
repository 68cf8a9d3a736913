// One instance per process of what must not be made twice: a connection, a registry, shared
// state. Next.js bundles each route on its own, so a module-level value would exist once per
// bundle (and again after each development reload); globalThis is the one object they all see.
// The key is a registered symbol, `Symbol.for('streamwright.' + key)`, so plain JavaScript
// outside the bundles (scripts/serve.mjs) can reach the same instance.

/** The process's one value under `key`, made by `create` the first time it is asked for. */
export function processSingleton<T>(key: string, create: () => T): T {
  const slot = Symbol.for(`streamwright.${key}`);
  const shared = globalThis as unknown as Record<symbol, T>;
  if (!(slot in shared)) shared[slot] = create();
  return shared[slot] as T;
}
