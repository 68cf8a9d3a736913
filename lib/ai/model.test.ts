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
  assert.throws(() => label({ MODEL: 'anthropic:claude' }), {
    message: /^Invalid setting MODEL: must be openai:<model>, openai-chat:<model> or offline$/,
  });
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
