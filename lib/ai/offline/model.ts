import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from '@ai-sdk/provider';
import { wait } from '../wait';
import { compose } from './compose';

/**
 * The built-in offline model: a deterministic, in-process implementation of the AI SDK's
 * language-model interface. It streams token by token at a set pace, honours
 * `maxOutputTokens` and the abort signal, and reports usage like a hosted model.
 */
export class OfflineModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4' as const;
  readonly provider = 'streamwright';
  readonly modelId = 'offline';
  readonly supportedUrls = {};

  constructor(private readonly settings: { tokenDelayMs: number }) {}

  async doStream(options: LanguageModelV4CallOptions) {
    const parts = plan(options);
    const delay = this.settings.tokenDelayMs;
    const signal = options.abortSignal;
    let index = 0;
    let tokensSent = 0;
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      async pull(controller) {
        const part = parts[index++];
        if (!part) return controller.close();
        // Tokens after the first are paced; bookkeeping parts go out at once.
        if (part.type === 'text-delta' && delay > 0 && tokensSent++ > 0) {
          try {
            await wait(delay, signal);
          } catch (reason) {
            return controller.error(reason);
          }
        }
        if (signal?.aborted) return controller.error(signal.reason);
        controller.enqueue(part);
      },
    });
    return { stream };
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const content: LanguageModelV4Content[] = [];
    let finishReason: LanguageModelV4FinishReason = { unified: 'stop', raw: 'stop' };
    let usage: LanguageModelV4Usage = usageOf(0, 0);
    for (const part of plan(options)) {
      if (part.type === 'text-delta') {
        const last = content.at(-1);
        if (last?.type === 'text') last.text += part.delta;
        else content.push({ type: 'text', text: part.delta });
      } else if (part.type === 'tool-call') {
        content.push(part);
      } else if (part.type === 'finish') {
        ({ finishReason, usage } = part);
      }
    }
    return { content, finishReason, usage, warnings: [] };
  }
}

/** Every part one call will stream, in order, already cut to the token budget. */
function plan(options: LanguageModelV4CallOptions): LanguageModelV4StreamPart[] {
  const script = compose(options);
  const budget = options.maxOutputTokens ?? Number.POSITIVE_INFINITY;
  const inputTokens = estimateTokens(JSON.stringify(options.prompt));
  const callNumber = options.prompt.filter((m) => m.role === 'assistant').length + 1;
  const head: LanguageModelV4StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: `offline-${callNumber}`, modelId: 'offline', timestamp: new Date(0) },
  ];

  if (script.kind === 'tool-call') {
    const id = `call_offline_${callNumber}`;
    const outputTokens = estimateTokens(script.input);
    return [
      ...head,
      { type: 'tool-input-start', id, toolName: script.toolName },
      { type: 'tool-input-delta', id, delta: script.input },
      { type: 'tool-input-end', id },
      { type: 'tool-call', toolCallId: id, toolName: script.toolName, input: script.input },
      finish('tool-calls', inputTokens, outputTokens),
    ];
  }

  const tokens = tokenize(script.text);
  const kept = tokens.slice(0, budget);
  const truncated = kept.length < tokens.length;
  return [
    ...head,
    { type: 'text-start', id: 'text-0' },
    ...kept.map((delta): LanguageModelV4StreamPart => ({ type: 'text-delta', id: 'text-0', delta })),
    { type: 'text-end', id: 'text-0' },
    finish(truncated ? 'length' : 'stop', inputTokens, kept.length),
  ];
}

function finish(reason: LanguageModelV4FinishReason['unified'], inputTokens: number, outputTokens: number): LanguageModelV4StreamPart {
  return { type: 'finish', finishReason: { unified: reason, raw: reason }, usage: usageOf(inputTokens, outputTokens) };
}

function usageOf(input: number, output: number): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

/** Word pieces of at most six characters, leading space kept: roughly how real tokenisers cut. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S{1,6}/g) ?? [];
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4);
