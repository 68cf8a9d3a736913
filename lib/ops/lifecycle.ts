import { env } from '../env';
import { processSingleton } from '../singleton';

// The server's own life: whether it is shutting down, and the streams it has open, so SIGTERM
// (scripts/serve.mjs) can refuse new streams, wait for open ones, then stop what is left. One per
// process (lib/singleton.ts), because the serving script and every route bundle share it.

interface Lifecycle {
  draining: boolean;
  /** Every open stream's controller: aborting it stops the run, which is stored as stopped. */
  open: Set<AbortController>;
  /** Counts a request the serving script saw end (set by lib/ops/metrics.ts). */
  recordRequest?: (path: string, status: number) => void;
  /** Writes still held in memory, made before the process exits (the serving script awaits them). */
  finalWrites?: Set<() => Promise<void>>;
}

// scripts/serve.mjs makes the same object, under the same key, before the app loads; under
// `next dev` the app does.
const lifecycle = processSingleton<Lifecycle>('lifecycle', () => ({ draining: false, open: new Set() }));

export function onRequestEnd(record: (path: string, status: number) => void): void {
  lifecycle.recordRequest = record;
}

export const isDraining = () => lifecycle.draining;

/** Runs `write` once the last streams have ended on shutdown, before the process exits. */
export function onShutdown(write: () => Promise<void>): void {
  (lifecycle.finalWrites ??= new Set()).add(write);
}

/**
 * Whether this process holds as many streams as it may (MAX_OPEN_STREAMS): new ones are refused
 * and readiness fails, so the Service sends new requests to other replicas.
 */
export const isFull = () => env.MAX_OPEN_STREAMS > 0 && lifecycle.open.size >= env.MAX_OPEN_STREAMS;

/**
 * Registers an open stream until `release`; its controller is aborted if the server must stop it.
 * Undefined when the process is full: the check and the place are taken in one step.
 */
export function trackStream(controller: AbortController): (() => void) | undefined {
  if (isFull()) return undefined;
  lifecycle.open.add(controller);
  return () => lifecycle.open.delete(controller);
}
