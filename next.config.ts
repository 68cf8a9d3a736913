import type { NextConfig } from 'next';
import { SECURITY_HEADERS } from './lib/http/security-headers';

const config: NextConfig = {
  // A self-contained server bundle for the container image (see Dockerfile).
  output: 'standalone',
  poweredByHeader: false,
  experimental: {
    // proxy.ts sees /api/* requests that carry an Origin (CORS), so Next.js buffers their bodies,
    // by default up to 10 MB each. The routes refuse anything over 1 MiB (AG-UI) or 64 KiB.
    proxyClientMaxBodySize: '2mb',
  },
  // Set by the router on every response, pages and API alike, without running the proxy.
  headers: async () => [
    { source: '/:path*', headers: Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value })) },
    // An API answer depends on the Origin (CORS headers or none), so a shared cache must keep
    // the answer to a program apart from the answer to a browser.
    { source: '/api/:path*', headers: [{ key: 'vary', value: 'Origin' }] },
  ],
  // Native addons are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ['@libsql/client', 'libsql', '@prisma/adapter-libsql', '@node-rs/argon2'],
};

export default config;
