import { createRequire } from 'node:module';

// The process environment as every part of the server sees it. Libraries read settings from
// process.env themselves: @ai-sdk/openai builds its default provider from OPENAI_BASE_URL as it
// loads, next-auth reads NEXTAUTH_URL on each request, and others read names we never set. So a
// blank value, of any variable, is taken out of the environment before any of them can read it:
// blank means unset, and unset means the default.

/** Deletes every variable whose value is empty or only spaces. @param {Record<string, string | undefined>} env */
export function dropBlankValues(env = process.env) {
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string' && value.trim() === '') delete env[name];
  }
}

/** How a setting that cannot be used is reported, wherever it is found: one line, no value. @param {string} setting @param {string} rule */
export function invalidSetting(setting, rule) {
  return `Invalid setting ${setting}: ${rule}`;
}

/**
 * For the scripts that start before Next.js (serving, migrations): reads the `.env` files of
 * `dir` as `next dev` and `next start` do (a variable already set wins), then drops blank values.
 * @param {string} dir @param {boolean} dev
 */
export function loadEnvironment(dir, dev) {
  const { loadEnvConfig } = createRequire(import.meta.url)('@next/env');
  // Before too: Next.js keeps the environment it first saw, and puts it back when it reloads.
  dropBlankValues();
  loadEnvConfig(dir, dev, { info: () => {}, error: console.error });
  dropBlankValues();
}
