import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnv } from '../env';
import { modelCatalogue } from './model';

const selectModel = (settings: ReturnType<typeof parseEnv>) => modelCatalogue(settings).select();

const label = (vars: Record<string, string>) => selectModel(parseEnv(vars)).label;

test('no key and no base URL: the offline model', () => {
  assert.equal(label({}), 'offline');
});

test('a key alone: openai:gpt-4o on the Responses API, as in the guide', () => {
  const { label: chosen, model } = selectModel(parseEnv({ OPENAI_API_KEY: 'sk-x' }));
  assert.equal(chosen, 'openai:gpt-4o');
  assert.equal(typeof model === 'object' && model.provider, 'openai.responses');
});

test('the prefix picks the wire protocol', () => {
  const responses = selectModel(parseEnv({ OPENAI_API_KEY: 'k', MODEL: 'openai:gpt-4o-mini' })).model;
  const chat = selectModel(parseEnv({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', MODEL: 'openai-chat:llama3.2' })).model;
  assert.equal(typeof responses === 'object' && responses.provider, 'openai.responses');
  assert.equal(typeof chat === 'object' && chat.provider, 'openai.chat');
});

test('a base URL without MODEL is refused with a hint', () => {
  assert.throws(() => label({ OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' }), {
    message: /^Invalid setting MODEL: must name the model when OPENAI_BASE_URL is set/,
  });
});

test('an OpenAI model without a key or base URL is refused', () => {
  assert.throws(() => label({ MODEL: 'openai:gpt-4o' }), { message: /^Invalid setting MODEL: openai:… needs OPENAI_API_KEY/ });
});

test('an unknown prefix is refused', () => {
  assert.throws(() => label({ MODEL: 'mistral:large' }), {
    message: /^Invalid setting MODEL: must be openai:<model>, openai-chat:<model>, anthropic:<model>, google:<model> or offline$/,
  });
  assert.throws(() => label({ MODEL: 'anthropic:', ANTHROPIC_API_KEY: 'k' }), { message: /^Invalid setting MODEL: must be openai:/ });
});

test('anthropic: and google: are the native providers, with their own key and base URL', () => {
  const catalogue = modelCatalogue(
    parseEnv({
      MODELS: 'anthropic:claude-sonnet-4-5,google:gemini-2.5-flash',
      ANTHROPIC_API_KEY: 'sk-ant',
      GOOGLE_GENERATIVE_AI_API_KEY: 'g-key',
      GOOGLE_BASE_URL: 'http://127.0.0.1:9/v1beta',
    }),
  );
  assert.deepEqual(
    catalogue.offered.map((model) => [model.id, model.provider, model.tools, model.structuredOutput]),
    [
      ['anthropic:claude-sonnet-4-5', 'anthropic', true, true],
      ['google:gemini-2.5-flash', 'google', true, true],
    ],
  );
  const claude = catalogue.select('anthropic:claude-sonnet-4-5').model;
  const gemini = catalogue.select('google:gemini-2.5-flash').model;
  assert.deepEqual(typeof claude === 'object' && [claude.provider, claude.modelId], ['anthropic.messages', 'claude-sonnet-4-5']);
  assert.deepEqual(typeof gemini === 'object' && [gemini.provider, gemini.modelId], ['google.generative-ai', 'gemini-2.5-flash']);
});

test('a native provider model without its key or base URL is refused, naming its key', () => {
  assert.throws(() => label({ MODEL: 'anthropic:claude-sonnet-4-5', OPENAI_API_KEY: 'k', GOOGLE_GENERATIVE_AI_API_KEY: 'g' }), {
    message: /^Invalid setting MODEL: anthropic:… needs ANTHROPIC_API_KEY/,
  });
  assert.throws(() => label({ MODEL: 'google:gemini-2.5-flash', ANTHROPIC_API_KEY: 'a' }), {
    message: /^Invalid setting MODEL: google:… needs GOOGLE_GENERATIVE_AI_API_KEY/,
  });
  assert.throws(() => modelCatalogue(parseEnv({ MODELS: 'offline,google:gemini-2.5-flash' })), {
    message: /^Invalid setting MODELS: google:… needs GOOGLE_GENERATIVE_AI_API_KEY/,
  });
  assert.equal(label({ MODEL: 'anthropic:claude-sonnet-4-5', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/v1' }), 'anthropic:claude-sonnet-4-5');
});

test('another provider’s key without MODEL is refused rather than answered offline', () => {
  assert.throws(() => label({ ANTHROPIC_API_KEY: 'sk-ant' }), { message: /^Invalid setting MODEL: must name the model when Anthropic/ });
  assert.throws(() => label({ GOOGLE_GENERATIVE_AI_API_KEY: 'g' }), { message: /^Invalid setting MODEL: must name the model when Google/ });
});

test('the native providers’ base URLs must be http(s) URLs', () => {
  assert.throws(() => parseEnv({ ANTHROPIC_BASE_URL: 'api.anthropic.com' }), {
    message: /^Invalid setting ANTHROPIC_BASE_URL: must be a URL/,
  });
  assert.throws(() => parseEnv({ GOOGLE_BASE_URL: 'ftp://x' }), { message: /^Invalid setting GOOGLE_BASE_URL: must be a URL/ });
});

test('MODELS lists the offered models; MODEL picks the default, which comes first', () => {
  const catalogue = modelCatalogue(parseEnv({ OPENAI_API_KEY: 'k', MODELS: 'offline, openai:gpt-4o-mini', MODEL: 'openai:gpt-4o-mini' }));
  assert.deepEqual(
    catalogue.offered.map((model) => [model.id, model.provider]),
    [
      ['openai:gpt-4o-mini', 'openai'],
      ['offline', 'offline'],
    ],
  );
  assert.equal(catalogue.defaultId, 'openai:gpt-4o-mini');
  assert.equal(catalogue.select().label, 'openai:gpt-4o-mini');
  assert.equal(catalogue.select('offline').label, 'offline');
  assert.equal(catalogue.select('offline'), catalogue.select('offline'), 'each model is built once');
  assert.equal(catalogue.offers('openai:gpt-4o'), false);
  assert.throws(() => catalogue.select('openai:gpt-4o'), /not an offered model/);
});

test('MODELS without MODEL: the first is the default', () => {
  assert.equal(modelCatalogue(parseEnv({ MODELS: 'offline' })).defaultId, 'offline');
});

test('a MODEL that MODELS does not list is refused', () => {
  assert.throws(() => modelCatalogue(parseEnv({ MODELS: 'offline', MODEL: 'openai:gpt-4o', OPENAI_API_KEY: 'k' })), {
    message: /^Invalid setting MODEL: must be one of the models MODELS lists$/,
  });
});

test('a bad MODELS entry is refused under MODELS, a model named twice too', () => {
  assert.throws(() => modelCatalogue(parseEnv({ MODELS: 'offline,gpt-4o' })), { message: /^Invalid setting MODELS: must be openai:/ });
  assert.throws(() => modelCatalogue(parseEnv({ MODELS: 'offline,offline' })), {
    message: /^Invalid setting MODELS: must not name a model twice$/,
  });
});
