import type { LanguageModelUsage } from 'ai';
import { budgetExceeded, describeModelFailure, timedOut, type Failure } from './failure';
import type { RunPart } from './run';

// How a run ended, read from its stream parts. Every protocol adapter and the chat store decide
// the ending the same way, from this one tracker.

export type Outcome =
  /** The model finished; `failure` is set when the budget cut it short. */
  | { kind: 'finished'; usage: LanguageModelUsage; finalText: string; failure?: Failure }
  /** Aborted on purpose: stop pressed, or the client left a stateless stream. */
  | { kind: 'aborted'; reason: string }
  | { kind: 'failed'; failure: Failure; cause?: unknown };

export class OutcomeTracker {
  private failure?: { failure: Failure; cause: unknown };
  private abortReason?: string;
  private finish?: Extract<RunPart, { type: 'finish' }>;
  private stepText = '';

  constructor(private readonly budget: number) {}

  observe(part: RunPart): void {
    switch (part.type) {
      case 'start-step':
        this.stepText = '';
        break;
      case 'text-delta':
        this.stepText += part.text;
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
    if (this.failure) return { kind: 'failed', ...this.failure };
    if (this.abortReason !== undefined) {
      // A model that went silent is a failure; any other abort was asked for.
      if (this.abortReason.startsWith('TimeoutError')) return { kind: 'failed', failure: timedOut(this.abortReason) };
      return { kind: 'aborted', reason: this.abortReason };
    }
    if (!this.finish) {
      return { kind: 'failed', failure: { error: 'model_error', detail: 'The model stream ended without finishing' } };
    }
    const { finishReason, totalUsage } = this.finish;
    const spent = totalUsage.outputTokens ?? 0;
    const cut = finishReason === 'length' || (finishReason === 'tool-calls' && spent >= this.budget);
    return {
      kind: 'finished',
      usage: totalUsage,
      finalText: this.stepText,
      ...(cut ? { failure: budgetExceeded(this.budget) } : {}),
    };
  }
}
