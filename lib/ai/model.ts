// First: loading lib/env.ts takes blank values out of process.env, and @ai-sdk/openai reads
// OPENAI_BASE_URL as it loads.
import { env, SettingsError, type Env } from '../env';
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModel } from 'ai';
import { mergingFetch } from './merge-deltas';
import { LeanOpenAIModel } from './openai/lean-model';
import { OfflineModel } from './offline/model';
import { providerFetch } from './provider-fetch';

/**
 * `MODEL` is `prefix:model-id`. The prefix picks the wire protocol:
 * - `openai:`      OpenAI's Responses API (`POST /v1/responses`), for OpenAI itself;
 * - `openai-chat:` the Chat Completions API (`POST /v1/chat/completions`), which every
 *                  OpenAI-compatible server speaks (Ollama, vLLM, llama.cpp's server, LM Studio);
 * - `offline`      the built-in offline model (no key, no network).
 * Without MODEL: `openai:gpt-4o` when OPENAI_API_KEY is set, `offline` when neither a key nor
 * OPENAI_BASE_URL is set. A base URL alone needs MODEL, since only its server knows its models.
 */
export interface SelectedModel {
  model: LanguageModel;
  /** What answered, as `prefix:model-id`; sent with every response. */
  label: string;
}

export function selectModel(settings: Env): SelectedModel {
  const spec = settings.MODEL ?? defaultModel(settings);
  const [prefix = '', ...rest] = spec.split(':');
  const modelId = rest.join(':');

  if (prefix === 'offline') {
    return { model: new OfflineModel({ tokenDelayMs: settings.OFFLINE_TOKEN_DELAY_MS }), label: 'offline' };
  }
  if ((prefix === 'openai' || prefix === 'openai-chat') && modelId) {
    if (!settings.OPENAI_API_KEY && !settings.OPENAI_BASE_URL) {
      throw modelError(`${prefix}:… needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)`);
    }
    // Retries and silence are handled below the SDK, in the fetch both paths use (provider-fetch.ts).
    const fetch = providerFetch({ idleMs: settings.MODEL_IDLE_TIMEOUT_MS, maxRetryWaitMs: settings.MODEL_RETRY_MAX_WAIT_MS });
    // Local OpenAI-compatible servers accept any key; the provider insists on one.
    const apiKey = settings.OPENAI_API_KEY ?? 'unused';
    const model =
      settings.OPENAI_PROVIDER === 'lean'
        ? new LeanOpenAIModel({
            wire: prefix === 'openai' ? 'responses' : 'chat',
            modelId,
            baseURL: settings.OPENAI_BASE_URL,
            apiKey,
            fetch,
          })
        : stockModel(prefix, modelId, settings.OPENAI_BASE_URL, apiKey, fetch);
    return { model, label: `${prefix}:${modelId}` };
  }
  throw modelError('must be openai:<model>, openai-chat:<model> or offline');
}

/** @ai-sdk/openai's own model; text deltas that arrive together reach it as one (merge-deltas.ts). */
function stockModel(
  prefix: 'openai' | 'openai-chat',
  modelId: string,
  baseURL: string | undefined,
  apiKey: string,
  fetch: typeof globalThis.fetch,
) {
  const provider = createOpenAI({ baseURL, apiKey, fetch: mergingFetch(fetch) });
  return prefix === 'openai' ? provider.responses(modelId) : provider.chat(modelId);
}

const modelError = (rule: string) => new SettingsError([{ setting: 'MODEL', rule }]);

function defaultModel(settings: Env): string {
  if (settings.OPENAI_API_KEY) return 'openai:gpt-4o';
  if (settings.OPENAI_BASE_URL) {
    throw modelError('must name the model when OPENAI_BASE_URL is set, e.g. openai-chat:llama3.2');
  }
  return 'offline';
}

let selected: SelectedModel | undefined;

/** The model every run uses, chosen once from the environment. */
export function currentModel(): SelectedModel {
  selected ??= selectModel(env);
  return selected;
}
