import type { LanguageModelV4FinishReason, LanguageModelV4Usage } from '@ai-sdk/provider';
import { generateId, StreamingToolCallTracker, type StreamingToolCallDelta } from '@ai-sdk/provider-utils';
import type { AnswerTo, Emit, WireEvents } from './lean-model';
import { invalidEvent, isRecord, modelStreamError, NO_USAGE, optionalString, type Json } from './wire-values';

// The Chat Completions wire (`POST /v1/chat/completions`, streamed): one event per chunk,
// `{ id, created, model, choices: [{ index, delta: { content, refusal, tool_calls }, finish_reason }] }`,
// then a chunk with `usage` and no choices, then `[DONE]`. An `{ error }` chunk reports a failure
// mid-stream. Tool-call deltas are joined by the AI SDK's own tracker, which knows the ways
// servers split them.

export function chatCompletionsEvents(emit: Emit, to: AnswerTo): WireEvents {
  const toolCalls = new StreamingToolCallTracker({ enqueue: emit }, { generateId, typeValidation: 'if-present' });
  let output = false;
  let textOpen = false;
  let metadataSent = false;
  let refused = false;
  let failed = false;
  let rawFinish: string | undefined;
  let usage: Json | undefined;

  const text = (delta: string) => {
    if (!textOpen) emit({ type: 'text-start', id: '0' });
    textOpen = true;
    output ||= delta.length > 0;
    emit({ type: 'text-delta', id: '0', delta });
  };
  const fail = (error: unknown) => {
    failed = true;
    rawFinish = undefined;
    emit({ type: 'error', error });
  };

  return {
    fail,
    event(chunk) {
      if (isRecord(chunk.error)) return fail(modelStreamError(chunk.error, chunk, !output, to));
      const { choices } = chunk;
      if (!Array.isArray(choices)) return fail(invalidEvent(chunk, 'choices must be an array'));
      if (!metadataSent && (chunk.id || chunk.created || chunk.model)) {
        metadataSent = true;
        emit({
          type: 'response-metadata',
          id: optionalString(chunk.id),
          modelId: optionalString(chunk.model),
          timestamp: typeof chunk.created === 'number' ? new Date(chunk.created * 1000) : undefined,
        });
      }
      if (isRecord(chunk.usage)) usage = chunk.usage;

      const choice: unknown = choices[0];
      if (choice === undefined) return;
      if (!isRecord(choice)) return fail(invalidEvent(chunk, 'each choice must be an object'));
      if (typeof choice.finish_reason === 'string') rawFinish = choice.finish_reason;
      const delta = choice.delta;
      if (delta === undefined || delta === null) return;
      if (!isRecord(delta)) return fail(invalidEvent(chunk, 'delta must be an object'));

      const { content, refusal, tool_calls } = delta;
      if (!isAbsentOr(content, 'string') || !isAbsentOr(refusal, 'string'))
        return fail(invalidEvent(chunk, 'content and refusal must be strings'));
      if (typeof content === 'string' && content.length > 0) text(content);
      if (typeof refusal === 'string' && refusal.length > 0) {
        refused = true;
        text(refusal);
      }
      if (content === '' && !refusal) text('');
      if (tool_calls !== undefined && tool_calls !== null) {
        if (!Array.isArray(tool_calls) || !tool_calls.every(isToolCallDelta))
          return fail(invalidEvent(chunk, 'each tool call needs an index, and strings for its id, name and arguments'));
        output = true;
        for (const call of tool_calls) toolCalls.processDelta(call);
      }
    },

    end() {
      if (textOpen) emit({ type: 'text-end', id: '0' });
      toolCalls.flush();
      const finishReason: LanguageModelV4FinishReason =
        rawFinish !== undefined
          ? { unified: unifiedFinish(rawFinish, refused), raw: rawFinish }
          : { unified: failed ? 'error' : 'interrupted', raw: undefined };
      emit({ type: 'finish', finishReason, usage: chatUsage(usage) });
    },
  };
}

function unifiedFinish(raw: string, refused: boolean): LanguageModelV4FinishReason['unified'] {
  switch (raw) {
    case 'stop':
      return refused ? 'content-filter' : 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'function_call':
    case 'tool_calls':
      return 'tool-calls';
    default:
      return 'other';
  }
}

/** `{ prompt_tokens, completion_tokens, prompt_tokens_details, completion_tokens_details }`. */
function chatUsage(usage: Json | undefined): LanguageModelV4Usage {
  if (!usage) return NO_USAGE;
  const count = (value: unknown) => (typeof value === 'number' ? value : 0);
  const prompt = count(usage.prompt_tokens);
  const completion = count(usage.completion_tokens);
  const promptDetails = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completionDetails = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  const cached = count(promptDetails.cached_tokens);
  const cacheWrite = typeof promptDetails.cache_write_tokens === 'number' ? promptDetails.cache_write_tokens : undefined;
  const reasoning = count(completionDetails.reasoning_tokens);
  return {
    inputTokens: { total: prompt, noCache: prompt - cached - (cacheWrite ?? 0), cacheRead: cached, cacheWrite },
    outputTokens: { total: completion, text: Math.max(0, completion - reasoning), reasoning },
    raw: usage as LanguageModelV4Usage['raw'],
  };
}

const isAbsentOr = (value: unknown, type: 'string') => value === undefined || value === null || typeof value === type;

/** `{ index, id?, type?, function?: { name?, arguments? } }`, as the tool-call tracker reads it. */
function isToolCallDelta(value: unknown): value is StreamingToolCallDelta {
  if (
    !isRecord(value) ||
    !isAbsentOr(value.id, 'string') ||
    (value.index !== undefined && value.index !== null && typeof value.index !== 'number')
  )
    return false;
  const fn = value.function;
  return fn === undefined || fn === null || (isRecord(fn) && isAbsentOr(fn.name, 'string') && isAbsentOr(fn.arguments, 'string'));
}
