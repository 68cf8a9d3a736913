import { dropBlankValues } from '../environment.mjs';

/**
 * What the server does once as it starts (instrumentation.ts), in every server process, after
 * Next.js has read the .env files and before any route or library reads a setting:
 * - blank values leave the environment, so every library sees them as unset (the default);
 * - the settings are parsed and the model picked now, so a value that is present but wrong stops
 *   the server here, with one line per setting, instead of failing every request;
 * - requests start being counted.
 * Everything that reads settings is imported only after the blank values are gone.
 */
export async function startUp(): Promise<void> {
  dropBlankValues();
  let model: string;
  try {
    const { currentModel } = await import('../ai/model');
    model = currentModel().label;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'SettingsError')) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const { log } = await import('../log');
  const { installRequestCounter } = await import('./metrics');
  installRequestCounter();
  log.info('server_starting', { model });
}
