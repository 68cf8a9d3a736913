import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnv } from '../../lib/env';
import { selectModel } from '../../lib/ai/model';

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
  assert.throws(() => label({ OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' }), /MODEL must name its model/);
});

test('an OpenAI model without a key or base URL is refused', () => {
  assert.throws(() => label({ MODEL: 'openai:gpt-4o' }), /needs OPENAI_API_KEY/);
});

test('an unknown prefix is refused', () => {
  assert.throws(() => label({ MODEL: 'anthropic:claude' }), /not understood/);
});

test('bad settings stop start-up with the variable named', () => {
  assert.throws(() => parseEnv({ OPENAI_BASE_URL: 'not a url' }), /OPENAI_BASE_URL/);
  assert.throws(() => parseEnv({ MAX_STEPS: '0' }), /MAX_STEPS/);
  assert.equal(parseEnv({ OFFLINE_TOKEN_DELAY_MS: '' }).OFFLINE_TOKEN_DELAY_MS, 30);
});
