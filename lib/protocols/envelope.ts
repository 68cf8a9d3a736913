import type { LanguageModelUsage } from 'ai';
import { INTERNAL_FAILURE, type Failure } from '../ai/failure';
import { followRun, type Outcome } from '../ai/outcome';
import type { Run, RunPart } from '../ai/run';
import { toolErrorText } from '../ai/tools';
import { log } from '../log';
import { sseStream, type Frame } from './sse';

// The guide's SSE envelope. One driver reads the run's stream parts and decides how the stream
// ends; a view per endpoint decides which frames the parts become. Every stream ends with
// `event: done`, after an `event: error` when the run failed.

export type Emit = (frame: Frame) => void;

export interface RunSummary {
  /** Text of the final step: the answer, or the report's JSON. */
  text: string;
  usage: LanguageModelUsage;
  /** The budget ran out before the model finished; no final result follows. */
  budgetExceeded: boolean;
}

export interface View {
  onPart(part: RunPart): void | Promise<void>;
  /** The run finished (possibly cut by the budget). Emit closing frames: result, usage, or an error. */
  onComplete(summary: RunSummary): void;
  /** The stream is over either way, with the failure it ends with (if any): release timers. */
  onEnd?(failure: Failure | undefined): void;
}

export type ViewFactory = (emit: Emit) => View;

/**
 * Streams a run as SSE bytes. `stop` is called when the client cancels the body, so the model
 * call ends even if the request's own signal never fires.
 */
export function envelopeStream(run: Run, createView: ViewFactory, stop: () => void, onEnd?: (outcome?: Outcome) => void): ReadableStream<Uint8Array> {
  return sseStream(async (emit) => {
    let outcome: Outcome | undefined;
    try {
      outcome = await drive(run, createView(emit), emit);
    } finally {
      onEnd?.(outcome);
    }
  }, stop);
}

async function drive(run: Run, view: View, emit: Emit): Promise<Outcome | undefined> {
  let failure: Failure | undefined;
  let outcome: Outcome | undefined;
  try {
    outcome = await followRun(run, (part) => view.onPart(part));
    if (outcome.kind === 'failed') {
      failure = outcome.failure;
      // Internal errors reach the client as a fixed sentence; the log keeps the real one.
      if (failure.error === 'internal') log.error('run_failed', { model: run.model, error: outcome.cause });
    } else if (outcome.kind === 'finished') {
      view.onComplete({ text: outcome.finalText, usage: outcome.usage, budgetExceeded: outcome.failure !== undefined });
      failure = outcome.failure;
    }
    // aborted: the client left (or stopped the run); nothing more to say.
  } catch (error) {
    log.error('envelope_failed', { model: run.model, error });
    failure = INTERNAL_FAILURE;
  }
  view.onEnd?.(failure);
  if (failure) emit({ event: 'error', data: failure });
  emit({ event: 'done', data: {} });
  return outcome;
}

/** Text frames only: `data: {"text": delta}`. */
export const textView: ViewFactory = (emit) => ({
  onPart(part) {
    if (part.type === 'text-delta') emit({ data: { text: part.text } });
  },
  onComplete() {},
});

const usageFrame = (usage: LanguageModelUsage) => ({
  event: 'usage',
  data: {
    input_tokens: usage.inputTokens ?? null,
    output_tokens: usage.outputTokens ?? null,
    total_tokens: usage.totalTokens ?? null,
  },
});

/** The guide's full application: text frames, then `event: usage`. */
export const fullView: ViewFactory = (emit) => ({
  ...textView(emit),
  onComplete({ usage }) {
    emit(usageFrame(usage));
  },
});

const TOOL_RESULT_LIMIT = 500;

/** Every run event (the guide's pattern 3), then `event: usage` and `event: result` with the final output. */
export const eventsView: ViewFactory = (emit) => ({
  onPart(part) {
    switch (part.type) {
      case 'text-start':
        return emit({ data: { type: 'part_start', kind: 'text' } });
      case 'reasoning-start':
        return emit({ data: { type: 'part_start', kind: 'thinking' } });
      case 'tool-input-start':
        return emit({ data: { type: 'part_start', kind: 'tool-call' } });
      case 'text-delta':
        return emit({ data: { type: 'text_delta', delta: part.text } });
      case 'reasoning-delta':
        return emit({ data: { type: 'thinking_delta', delta: part.text } });
      case 'tool-call':
        return emit({ data: { type: 'tool_call', tool: part.toolName, args: part.input } });
      case 'tool-result':
        return emit({
          data: { type: 'tool_result', tool: part.toolName, content: cut(stringify(part.output)) },
        });
      case 'tool-error':
        return emit({
          data: { type: 'tool_result', tool: part.toolName, content: cut(toolErrorText(part.error)), is_error: true },
        });
    }
  },
  onComplete({ text, usage, budgetExceeded }) {
    emit(usageFrame(usage));
    if (!budgetExceeded) emit({ event: 'result', data: { type: 'final', output: text } });
  },
});

const cut = (text: string) => text.slice(0, TOOL_RESULT_LIMIT);
const stringify = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');
