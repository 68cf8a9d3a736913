// Runs once when the server starts: parse the settings and pick the model now, so a bad value
// stops start-up with a clear message instead of failing the first request; and count requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { currentModel } = await import('./lib/ai/model');
  const { log } = await import('./lib/log');
  const { installRequestCounter } = await import('./lib/ops/metrics');
  installRequestCounter();
  log.info('server_starting', { model: currentModel().label });
}
