import type { LanguageModelUsage } from 'ai';
import { budgetExceeded, describeModelFailure, type Failure } from './failure';
import type { Run, RunPart } from './run';
import { sumUsage } from './usage';

// How a run ended, read from its stream parts. Every protocol adapter and the chat store decide
// the ending the same way, from this one tracker.

export type Outcome =
  /** The model finished; `failure` is set when the budget cut it short. */
  | { kind: 'finished'; usage: LanguageModelUsage; finalText: string; failure?: Failure }
  /** Aborted on purpose: stop pressed, or the client left a stateless stream. */
  | { kind: 'aborted'; reason: string; usage?: LanguageModelUsage }
  /** `usage` counts the steps that completed before the failure, when any did. */
  | { kind: 'failed'; failure: Failure; cause?: unknown; usage?: LanguageModelUsage };

/**
 * Reads a run to its end, handing each part to `onPart`, and says how it ended. An error thrown
 * while reading (the provider's connection dropped) or by `onPart` ends the run as failed.
 */
export async function followRun(run: Run, onPart: (part: RunPart) => void | Promise<void>): Promise<Outcome> {
  const tracker = new OutcomeTracker(run.maxOutputTokens);
  const { watch } = run;
  // One reader, and an await only where `onPart` returns a promise: this loop runs once per token.
  const reader = run.parts.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      tracker.observe(next.value);
      watch?.part(next.value);
      const handled = onPart(next.value);
      if (handled) await handled;
    }
  } catch (error) {
    tracker.fail(error);
  } finally {
    reader.releaseLock();
  }
  const outcome = tracker.outcome();
  watch?.end(outcome);
  return outcome;
}

export class OutcomeTracker {
  private failure?: { failure: Failure; cause: unknown };
  private abortReason?: string;
  private finish?: Extract<RunPart, { type: 'finish' }>;
  private stepText = '';
  private completedSteps: LanguageModelUsage[] = [];

  constructor(private readonly maxOutputTokens: number) {}

  observe(part: RunPart): void {
    switch (part.type) {
      case 'start-step':
        this.stepText = '';
        break;
      case 'text-delta':
        this.stepText += part.text;
        break;
      case 'finish-step':
        this.completedSteps.push(part.usage);
        break;
      case 'error':
        this.fail(part.error);
        break;
      case 'abort':
        this.abortReason = part.reason ?? 'aborted';
        break;
      case 'finish':
        this.finish = part;
        break;
    }
  }

  /** An error thrown while reading the parts (rather than sent as one). */
  fail(error: unknown): void {
    this.failure ??= { failure: describeModelFailure(error), cause: error };
  }

  outcome(): Outcome {
    const usage = this.usageSoFar();
    if (this.failure) return { kind: 'failed', ...this.failure, ...usage };
    // A model that goes silent fails (provider-fetch.ts); an abort is always asked for.
    if (this.abortReason !== undefined) return { kind: 'aborted', reason: this.abortReason, ...usage };
    if (!this.finish) {
      return { kind: 'failed', failure: { error: 'model_error', detail: 'The model stream ended without finishing' }, ...usage };
    }
    const { finishReason, totalUsage } = this.finish;
    const spent = totalUsage.outputTokens ?? 0;
    const cut = finishReason === 'length' || (finishReason === 'tool-calls' && spent >= this.maxOutputTokens);
    return {
      kind: 'finished',
      usage: totalUsage,
      finalText: this.stepText,
      ...(cut ? { failure: budgetExceeded(this.maxOutputTokens) } : {}),
    };
  }

  /** What the completed steps spent, as `{ usage }`, or nothing when no step completed. */
  private usageSoFar(): { usage?: LanguageModelUsage } {
    return this.completedSteps.length === 0 ? {} : { usage: sumUsage(this.completedSteps) };
  }
}
