import type { LanguageModelUsage } from 'ai';
import type { Failure } from '../../ai/failure';
import type { RunPart } from '../../ai/run';
import { toolErrorText } from '../../ai/tools';
import { usageJson } from '../../ai/usage';
import type { Frame } from '../sse';

// The envelope's views: which frames a run's parts become, one view per endpoint. How the stream
// ends is the same for all of them (response.ts).

export type Emit = (frame: Frame) => void;

interface RunSummary {
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

/** Text frames only: `data: {"text": delta}`. */
export const textView: ViewFactory = (emit) => ({
  onPart(part) {
    if (part.type === 'text-delta') emit({ data: { text: part.text } });
  },
  onComplete() {},
});

const usageFrame = (usage: LanguageModelUsage) => ({ event: 'usage', data: usageJson(usage) });

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
const stringify = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
