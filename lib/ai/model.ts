// First: loading lib/env.ts takes blank values out of process.env (and stops on a wrong one), and
// the providers build their default instances as they load: @ai-sdk/openai reads OPENAI_BASE_URL,
// @ai-sdk/anthropic reads (and checks) ANTHROPIC_BASE_URL.
import { env, SettingsError, type Env } from '../env';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogle } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModel } from 'ai';
import { mergingFetch } from './merge-deltas';
import { LeanOpenAIModel } from './openai/lean-model';
import { OfflineModel } from './offline/model';
import { providerFetch } from './provider-fetch';

/**
 * A deployment offers one or more models, each named `prefix:model-id`. The prefix picks the
 * provider and its wire protocol:
 * - `openai:`      OpenAI's Responses API (`POST /v1/responses`), for OpenAI itself;
 * - `openai-chat:` the Chat Completions API (`POST /v1/chat/completions`), which every
 *                  OpenAI-compatible server speaks (Ollama, vLLM, llama.cpp's server, LM Studio);
 * - `anthropic:`   Anthropic's Messages API (`POST /v1/messages`), through @ai-sdk/anthropic;
 * - `google:`      the Gemini API (`POST /v1beta/models/{id}:streamGenerateContent`), through
 *                  @ai-sdk/google;
 * - `offline`      the built-in offline model (no key, no network).
 *
 * `MODELS` lists what is offered (comma-separated); `MODEL` is the default, and must be one of
 * them. With `MODEL` alone it is the only model. With neither: `openai:gpt-4o` when
 * OPENAI_API_KEY is set, `offline` when no provider's key or base URL is set. A base URL alone,
 * or another provider's key, needs MODEL, since there is no one obvious model to pick.
 */
type Provider = 'openai' | 'openai-chat' | 'anthropic' | 'google' | 'offline';

/** A model a deployment offers, as `/api/models` lists it. */
export interface OfferedModel {
  /** `prefix:model-id`, as requests name it and responses report it. */
  id: string;
  provider: Provider;
  /** Whether chat turns may offer it tools (`lookup_price`, an AG-UI client's tools). */
  tools: boolean;
  /** Whether it can write a report (structured output against a JSON schema). */
  structuredOutput: boolean;
}

interface SelectedModel {
  model: LanguageModel;
  /** What answered, as `prefix:model-id`; sent with every response. */
  label: string;
}

export interface ModelCatalogue {
  /** Every offered model, the default first. */
  readonly offered: readonly OfferedModel[];
  /** The id of the model a request that names none gets. */
  readonly defaultId: string;
  /** Whether `id` is one of the offered models. */
  offers(id: string): boolean;
  /** The model for an offered id (the default when none); built once per id. Throws for others. */
  select(id?: string): SelectedModel;
}

/** What each provider can do; every wire here carries tools and JSON-schema output. */
const CAPABILITIES: Record<Provider, Pick<OfferedModel, 'tools' | 'structuredOutput'>> = {
  openai: { tools: true, structuredOutput: true },
  'openai-chat': { tools: true, structuredOutput: true },
  anthropic: { tools: true, structuredOutput: true },
  google: { tools: true, structuredOutput: true },
  offline: { tools: true, structuredOutput: true },
};

/** Reads MODELS and MODEL; every entry is checked (and its keys required) before any request. */
export function modelCatalogue(settings: Env): ModelCatalogue {
  const ids = settings.MODELS.length > 0 ? settings.MODELS : [settings.MODEL ?? defaultModel(settings)];
  const modelError = (rule: string) => new SettingsError([{ setting: settings.MODELS.length > 0 ? 'MODELS' : 'MODEL', rule }]);
  if (new Set(ids).size !== ids.length) throw new SettingsError([{ setting: 'MODELS', rule: 'must not name a model twice' }]);
  const defaultId = settings.MODEL ?? ids[0]!;
  if (!ids.includes(defaultId)) throw new SettingsError([{ setting: 'MODEL', rule: 'must be one of the models MODELS lists' }]);

  const builders = new Map(ids.map((id) => [id, builderFor(id, settings, modelError)]));
  const built = new Map<string, SelectedModel>();
  const offered = [defaultId, ...ids.filter((id) => id !== defaultId)].map((id) => {
    const provider = builders.get(id)!.provider;
    return { id, provider, ...CAPABILITIES[provider] };
  });

  return {
    offered,
    defaultId,
    offers: (id) => builders.has(id),
    select(id = defaultId) {
      const builder = builders.get(id);
      if (!builder) throw new Error(`${id} is not an offered model`);
      let selected = built.get(id);
      if (!selected) built.set(id, (selected = { model: builder.build(), label: id }));
      return selected;
    },
  };
}

interface Builder {
  provider: Provider;
  build(): LanguageModel;
}

/** Checks one `prefix:model-id` against the settings, and how to build its model. */
function builderFor(spec: string, settings: Env, modelError: (rule: string) => SettingsError): Builder {
  const [prefix = '', ...rest] = spec.split(':');
  const modelId = rest.join(':');

  if (spec === 'offline') {
    return { provider: 'offline', build: () => new OfflineModel({ tokenDelayMs: settings.OFFLINE_TOKEN_DELAY_MS }) };
  }
  if ((prefix === 'openai' || prefix === 'openai-chat') && modelId) {
    if (!settings.OPENAI_API_KEY && !settings.OPENAI_BASE_URL) {
      throw modelError(`${prefix}:… needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)`);
    }
    return { provider: prefix, build: () => openaiModel(prefix, modelId, settings) };
  }
  if (prefix === 'anthropic' && modelId) {
    if (!settings.ANTHROPIC_API_KEY && !settings.ANTHROPIC_BASE_URL) {
      throw modelError('anthropic:… needs ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL for a gateway that holds the key)');
    }
    return { provider: 'anthropic', build: () => anthropicModel(modelId, settings) };
  }
  if (prefix === 'google' && modelId) {
    if (!settings.GOOGLE_GENERATIVE_AI_API_KEY && !settings.GOOGLE_BASE_URL) {
      throw modelError('google:… needs GOOGLE_GENERATIVE_AI_API_KEY (or GOOGLE_BASE_URL for a gateway that holds the key)');
    }
    return { provider: 'google', build: () => googleModel(modelId, settings) };
  }
  throw modelError('must be openai:<model>, openai-chat:<model>, anthropic:<model>, google:<model> or offline');
}

// The native providers read their answers with their own parsers (docs/architecture.md, "The
// model's wire"). Every setting is passed explicitly, so neither falls back to a variable of its
// own; a gateway given as the base URL may hold the key itself.

function anthropicModel(modelId: string, settings: Env): LanguageModel {
  const provider = createAnthropic({
    apiKey: settings.ANTHROPIC_API_KEY ?? 'unused',
    baseURL: settings.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com/v1',
    fetch: modelFetch(settings),
  });
  return provider.messages(modelId);
}

function googleModel(modelId: string, settings: Env): LanguageModel {
  const provider = createGoogle({
    apiKey: settings.GOOGLE_GENERATIVE_AI_API_KEY ?? 'unused',
    baseURL: settings.GOOGLE_BASE_URL ?? 'https://generativelanguage.googleapis.com/v1beta',
    fetch: modelFetch(settings),
  });
  return provider.chat(modelId);
}

function openaiModel(prefix: 'openai' | 'openai-chat', modelId: string, settings: Env): LanguageModel {
  // Local OpenAI-compatible servers accept any key; the provider insists on one.
  const apiKey = settings.OPENAI_API_KEY ?? 'unused';
  const fetch = modelFetch(settings);
  if (settings.OPENAI_PROVIDER === 'lean') {
    return new LeanOpenAIModel({
      wire: prefix === 'openai' ? 'responses' : 'chat',
      modelId,
      baseURL: settings.OPENAI_BASE_URL,
      apiKey,
      fetch,
    });
  }
  // @ai-sdk/openai's own model; text deltas that arrive together reach it as one (merge-deltas.ts).
  const provider = createOpenAI({ baseURL: settings.OPENAI_BASE_URL, apiKey, fetch: mergingFetch(fetch) });
  return prefix === 'openai' ? provider.responses(modelId) : provider.chat(modelId);
}

/** Retries and silence are handled below the SDK, in the fetch every provider uses (provider-fetch.ts). */
function modelFetch(settings: Env): typeof globalThis.fetch {
  return providerFetch({ idleMs: settings.MODEL_IDLE_TIMEOUT_MS, maxRetryWaitMs: settings.MODEL_RETRY_MAX_WAIT_MS });
}

function defaultModel(settings: Env): string {
  if (settings.OPENAI_API_KEY) return 'openai:gpt-4o';
  if (settings.OPENAI_BASE_URL) {
    throw new SettingsError([{ setting: 'MODEL', rule: 'must name the model when OPENAI_BASE_URL is set, e.g. openai-chat:llama3.2' }]);
  }
  // Rather than the offline model answering a deployment that set a key for another provider.
  if (settings.ANTHROPIC_API_KEY || settings.ANTHROPIC_BASE_URL) {
    throw new SettingsError([{ setting: 'MODEL', rule: 'must name the model when Anthropic is set up, e.g. anthropic:claude-sonnet-4-5' }]);
  }
  if (settings.GOOGLE_GENERATIVE_AI_API_KEY || settings.GOOGLE_BASE_URL) {
    throw new SettingsError([{ setting: 'MODEL', rule: 'must name the model when Google is set up, e.g. google:gemini-2.5-flash' }]);
  }
  return 'offline';
}

let catalogue: ModelCatalogue | undefined;

/** The models this deployment offers, read once from the environment. */
export function models(): ModelCatalogue {
  catalogue ??= modelCatalogue(env);
  return catalogue;
}
