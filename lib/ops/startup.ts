/**
 * What the server does once as it starts (instrumentation.ts), in every server process, after
 * Next.js has read the .env files and before any route is loaded:
 * - the settings are parsed (lib/env.ts, which first drops blank values from the environment) and
 *   the models checked, so a value that is present but wrong stops the server here, with one line
 *   per setting, instead of failing every request;
 * - requests start being counted.
 */
export async function startUp(): Promise<void> {
  let catalogue: { defaultId: string; offered: readonly { id: string }[] };
  try {
    const { models } = await import('../ai/model');
    catalogue = models();
  } catch (error) {
    if (!(error instanceof Error && error.name === 'SettingsError')) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const { log } = await import('../log');
  const { installRequestCounter } = await import('./metrics');
  installRequestCounter();
  log.info('server_starting', { model: catalogue.defaultId, models: catalogue.offered.map((model) => model.id) });
}
