import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnv } from '../env';
import { selectModel } from './model';

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
