// First: loading lib/env.ts takes blank values out of process.env, and @ai-sdk/openai reads
// OPENAI_BASE_URL as it loads.
import { env, SettingsError, type Env } from '../env';
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModel } from 'ai';
import { mergingFetch } from './merge-deltas';
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
    const provider = createOpenAI({
      baseURL: settings.OPENAI_BASE_URL,
      // Local OpenAI-compatible servers accept any key; the provider insists on one.
      apiKey: settings.OPENAI_API_KEY ?? 'unused',
      // Retries and silence are handled below the SDK (provider-fetch.ts), and text deltas that
      // arrive together reach it as one (merge-deltas.ts).
      fetch: mergingFetch(providerFetch({ idleMs: settings.MODEL_IDLE_TIMEOUT_MS, maxRetryWaitMs: settings.MODEL_RETRY_MAX_WAIT_MS })),
    });
    const model = prefix === 'openai' ? provider.responses(modelId) : provider.chat(modelId);
    return { model, label: `${prefix}:${modelId}` };
  }
  throw modelError('must be openai:<model>, openai-chat:<model> or offline');
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
