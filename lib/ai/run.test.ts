import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OfferedModel } from './model';
import { modelProblem } from './run';

// Whether a model can take a run: a fake catalogue, since every provider today can do both.

const catalogue = (...offered: OfferedModel[]) => ({ offered });
const full: OfferedModel = { id: 'offline', provider: 'offline', tools: true, structuredOutput: true };
const plain: OfferedModel = { id: 'openai-chat:plain', provider: 'openai-chat', tools: false, structuredOutput: false };

test('an offered model that can do the run has no problem', () => {
  assert.equal(modelProblem(catalogue(full, plain), 'offline', 'answer'), undefined);
  assert.equal(modelProblem(catalogue(full, plain), 'offline', 'report'), undefined);
});

test('a model not offered is refused, naming the offered ones', () => {
  assert.equal(
    modelProblem(catalogue(full, plain), 'openai:nope', 'answer'),
    'must be one of the offered models: offline, openai-chat:plain',
  );
});

test('a report needs structured output; an answer (which offers tools) needs tools', () => {
  assert.equal(
    modelProblem(catalogue(full, plain), 'openai-chat:plain', 'report'),
    'openai-chat:plain cannot write a report (no structured output); models that can: offline',
  );
  assert.equal(
    modelProblem(catalogue(full, plain), 'openai-chat:plain', 'answer'),
    'openai-chat:plain cannot use tools; models that can: offline',
  );
  assert.equal(modelProblem(catalogue(plain), 'openai-chat:plain', 'answer'), 'openai-chat:plain cannot use tools; no offered model can');
});
