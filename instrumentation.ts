// Runs once as the server starts: settings, model and request counting (lib/ops/startup.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startUp } = await import('./lib/ops/startup');
  await startUp();
}
