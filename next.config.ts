import type { NextConfig } from 'next';

const config: NextConfig = {
  // A self-contained server bundle for the container image (see Dockerfile).
  output: 'standalone',
  poweredByHeader: false,
  // Native addons are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ['@libsql/client', 'libsql', '@prisma/adapter-libsql', '@node-rs/argon2'],
};

export default config;
