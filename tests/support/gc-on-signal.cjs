// Preloaded into a test server started with --expose-gc: SIGUSR2 runs a full garbage collection,
// so a test reading the server's RSS right after sees what it keeps, not garbage not yet collected.
process.on('SIGUSR2', () => globalThis.gc?.());
