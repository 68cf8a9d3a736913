import type { LanguageModelV4FinishReason, LanguageModelV4Usage, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { AnswerTo, Emit, WireEvents } from './lean-model';
import { invalidEvent, isRecord, modelStreamError, NO_USAGE, optionalString, type Json } from './wire-values';

// The Responses wire (`POST /v1/responses`, streamed): typed events. An output item (a message,
// a function call, a reasoning summary) is opened by `response.output_item.added`, filled by its
// deltas and closed by `response.output_item.done`; `response.completed` or
// `response.incomplete` carries the usage, `response.failed` or `error` a failure. Items of
// OpenAI's own tools (web search and the like) are not asked for, and are passed over.

export function responsesEvents(emit: Emit, to: AnswerTo): WireEvents {
  /** Function calls being streamed, by output index. */
  const calls = new Map<number, { id: string; name: string }>();
  /** The id of each output item, by output index: deltas are told apart by it. */
  const items = new Map<number, string>();
  let output = false;
  /** Reasoning summary parts still open, as part ids, by item id. */
  const reasoning = new Map<string, Set<string>>();
  let calledFunction = false;
  let refused = false;
  let failed = false;
  let finish: { raw: string | undefined; usage: Json | undefined } | undefined;

  const fail = (error: unknown) => {
    failed = true;
    emit({ type: 'error', error });
  };
  const streamError = (error: Json, data: Json) => modelStreamError(error, data, !output, to);
  /** The item a delta belongs to: by its output index, as the item was opened, else by its own id. */
  const itemOf = (event: Json) =>
    (typeof event.output_index === 'number' ? items.get(event.output_index) : undefined) ?? optionalString(event.item_id);
  const endReasoning = (itemId: string, partId?: string, item?: Json) => {
    const open = reasoning.get(itemId);
    for (const id of partId ? [partId] : [...(open ?? [])]) {
      if (open?.delete(id)) emit({ type: 'reasoning-end', id, providerMetadata: itemMetadata(itemId, item) });
    }
  };

  return {
    fail,
    event(event) {
      switch (event.type) {
        case 'response.created': {
          const response = isRecord(event.response) ? event.response : {};
          return emit({
            type: 'response-metadata',
            id: optionalString(response.id),
            modelId: optionalString(response.model),
            timestamp: typeof response.created_at === 'number' ? new Date(response.created_at * 1000) : undefined,
          });
        }
        case 'response.output_item.added':
        case 'response.output_item.done': {
          const { item, output_index } = event;
          if (!isRecord(item) || typeof output_index !== 'number')
            return fail(invalidEvent(event, 'an output item event needs item and output_index'));
          const added = event.type === 'response.output_item.added';
          const id = optionalString(item.id) ?? items.get(output_index) ?? `item-${output_index}`;
          if (added) items.set(output_index, id);
          // The item's id goes with its parts, so that a later step can send it back by reference.
          if (item.type === 'message') return emit({ type: added ? 'text-start' : 'text-end', id, providerMetadata: itemMetadata(id) });
          if (item.type === 'reasoning') {
            if (!added) return endReasoning(id, undefined, item);
            reasoning.set(id, new Set([`${id}:0`]));
            return emit({ type: 'reasoning-start', id: `${id}:0`, providerMetadata: itemMetadata(id, item) });
          }
          if (item.type === 'function_call') {
            if (typeof item.call_id !== 'string' || typeof item.name !== 'string')
              return fail(invalidEvent(event, 'a function call needs call_id and name'));
            output = true;
            if (added) {
              calls.set(output_index, { id: item.call_id, name: item.name });
              return emit({ type: 'tool-input-start', id: item.call_id, toolName: item.name });
            }
            calls.delete(output_index);
            calledFunction = true;
            emit({ type: 'tool-input-end', id: item.call_id });
            return emit({
              type: 'tool-call',
              toolCallId: item.call_id,
              toolName: item.name,
              input: typeof item.arguments === 'string' ? item.arguments : '',
              providerMetadata: itemMetadata(id),
            });
          }
          return;
        }
        case 'response.output_text.delta':
        case 'response.refusal.delta': {
          const id = itemOf(event);
          const { delta } = event;
          if (id === undefined || typeof delta !== 'string' || (event.item_id !== undefined && typeof event.item_id !== 'string'))
            return fail(invalidEvent(event, 'a text delta needs item_id and delta'));
          if (event.type === 'response.refusal.delta') refused = true;
          output = true;
          return emit({ type: 'text-delta', id, delta });
        }
        case 'response.refusal.done':
          refused = true;
          return;
        case 'response.function_call_arguments.delta': {
          const call = typeof event.output_index === 'number' ? calls.get(event.output_index) : undefined;
          if (call && typeof event.delta === 'string') emit({ type: 'tool-input-delta', id: call.id, delta: event.delta });
          return;
        }
        case 'response.reasoning_summary_part.added':
        case 'response.reasoning_summary_part.done':
        case 'response.reasoning_summary_text.delta': {
          const { item_id, summary_index } = event;
          if (typeof item_id !== 'string' || typeof summary_index !== 'number')
            return fail(invalidEvent(event, 'a reasoning event needs item_id and summary_index'));
          const id = `${item_id}:${summary_index}`;
          const open = reasoning.get(item_id);
          if (event.type === 'response.reasoning_summary_part.done') return endReasoning(item_id, id);
          if (event.type === 'response.reasoning_summary_part.added') {
            if (!open || open.has(id) || summary_index === 0) return;
            open.add(id);
            return emit({ type: 'reasoning-start', id, providerMetadata: itemMetadata(item_id) });
          }
          if (typeof event.delta !== 'string') return fail(invalidEvent(event, 'a reasoning delta needs delta'));
          output = true;
          return emit({ type: 'reasoning-delta', id, delta: event.delta });
        }
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed': {
          const response = isRecord(event.response) ? event.response : {};
          const incomplete = isRecord(response.incomplete_details) ? optionalString(response.incomplete_details.reason) : undefined;
          const usage = isRecord(response.usage) ? response.usage : undefined;
          if (event.type !== 'response.failed') {
            finish = { raw: incomplete, usage };
            return;
          }
          finish = { raw: incomplete ?? 'error', usage };
          if (isRecord(response.error) && !failed) fail(streamError(response.error, event));
          failed = true;
          return;
        }
        case 'error':
          return fail(streamError(event, event));
      }
    },

    end() {
      for (const itemId of reasoning.keys()) endReasoning(itemId);
      emit({ type: 'finish', finishReason: finishReason(), usage: responsesUsage(finish?.usage) });
    },
  };

  function finishReason(): LanguageModelV4FinishReason {
    if (!finish) return { unified: failed ? 'error' : 'interrupted', raw: failed ? 'error' : undefined };
    if (failed && (finish.raw === undefined || finish.raw === 'error')) return { unified: 'error', raw: finish.raw ?? 'error' };
    return { unified: unifiedFinish(finish.raw, calledFunction, refused), raw: finish.raw };
  }
}

/** `{ openai: { itemId } }`, and a reasoning item's encrypted content, as the stock provider tags them. */
function itemMetadata(itemId: string, reasoningItem?: Json): SharedV4ProviderMetadata {
  if (!reasoningItem) return { openai: { itemId } };
  return { openai: { itemId, reasoningEncryptedContent: optionalString(reasoningItem.encrypted_content) ?? null } };
}

function unifiedFinish(reason: string | undefined, calledFunction: boolean, refused: boolean): LanguageModelV4FinishReason['unified'] {
  switch (reason) {
    case undefined:
      return calledFunction ? 'tool-calls' : refused ? 'content-filter' : 'stop';
    case 'max_output_tokens':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    default:
      return calledFunction ? 'tool-calls' : 'other';
  }
}

/** `{ input_tokens, output_tokens, input_tokens_details, output_tokens_details }`. */
function responsesUsage(usage: Json | undefined): LanguageModelV4Usage {
  if (!usage) return NO_USAGE;
  const input = typeof usage.input_tokens === 'number' ? usage.input_tokens : undefined;
  const output = typeof usage.output_tokens === 'number' ? usage.output_tokens : undefined;
  const inputDetails = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const outputDetails = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
  const cached = typeof inputDetails.cached_tokens === 'number' ? inputDetails.cached_tokens : 0;
  const cacheWrite = typeof inputDetails.cache_write_tokens === 'number' ? inputDetails.cache_write_tokens : undefined;
  const reasoningTokens = typeof outputDetails.reasoning_tokens === 'number' ? outputDetails.reasoning_tokens : 0;
  return {
    inputTokens: {
      total: input,
      noCache: input === undefined ? undefined : input - cached - (cacheWrite ?? 0),
      cacheRead: cached,
      cacheWrite,
    },
    outputTokens: { total: output, text: output === undefined ? undefined : output - reasoningTokens, reasoning: reasoningTokens },
    raw: usage as LanguageModelV4Usage['raw'],
  };
}
