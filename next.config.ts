import type { NextConfig } from 'next';

const config: NextConfig = {
  // A self-contained server bundle for the container image (see Dockerfile).
  output: 'standalone',
  poweredByHeader: false,
  experimental: {
    // proxy.ts sees /api/* (CORS), so Next.js buffers request bodies for it, by default up to
    // 10 MB each. The routes refuse anything over 1 MiB (AG-UI) or 64 KiB, so buffer little more.
    proxyClientMaxBodySize: '2mb',
  },
  // Native addons are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ['@libsql/client', 'libsql', '@prisma/adapter-libsql', '@node-rs/argon2'],
};

export default config;
