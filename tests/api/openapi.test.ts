import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openApiPath } from '../../lib/openapi/document';
import { startApp, type RunningApp } from '../support/app';
import { answerProblems, DOCUMENT } from '../support/openapi-answers';
import { exportedMethods, routeFiles } from '../support/routes';
import { newUser, type TestUser } from '../support/users';

// The OpenAPI document as the server serves it: valid OpenAPI 3.1, one operation for every route
// file and method under app/api (and none that is not), and the answer check the whole API suite
// runs (tests/support/openapi-check.ts) refusing answers that stray from it.

describe('the OpenAPI document', () => {
  let app: RunningApp;
  let user: TestUser;
  let served: Record<string, unknown>;

  before(async () => {
    app = await startApp({});
    user = await newUser(app);
    const response = await fetch(`${app.url}/api/openapi.json`);
    assert.equal(response.status, 200, 'served to anyone, without a key');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    served = (await response.json()) as Record<string, unknown>;
  });
  after(() => app?.stop());

  test('passes an OpenAPI 3.1 validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(served));
    assert.deepEqual(result.errors ?? [], [], 'the validator’s findings');
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
  });

  test('is the document the API suite checks answers against', () => {
    assert.deepEqual(served, DOCUMENT);
  });

  test('describes every route file and every method it exports, and nothing else', () => {
    const onDisk = routeFiles().flatMap((route) => exportedMethods(route).map((method) => `${method} ${openApiPath(route)}`));
    const documented = Object.entries(DOCUMENT.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual([...documented].sort(), [...onDisk].sort());
  });

  test('gives every operation a summary, an id and its answers', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(DOCUMENT.paths)) {
      for (const [method, operation] of Object.entries(item) as Array<
        [string, { summary?: string; operationId?: string; responses?: object }]
      >) {
        assert.ok(operation.summary, `${method} ${path} has a summary`);
        assert.ok(operation.operationId && !ids.has(operation.operationId), `${method} ${path} has an operation id of its own`);
        ids.add(operation.operationId);
        assert.ok(
          Object.keys(operation.responses ?? {}).some((status) => /^[2-5]\d\d$/.test(status)),
          `${method} ${path} lists its answers`,
        );
      }
    }
  });

  test('the answer check refuses a JSON answer with a field too many, one missing, or a status not listed', async () => {
    const response = await fetch(`${app.url}/api/models`, { headers: user.bearer });
    const body = await response.text();
    const answer = { method: 'GET', pathname: '/api/models', status: 200, contentType: response.headers.get('content-type'), body };
    assert.deepEqual(answerProblems(answer), [], 'the real answer matches');
    const models = JSON.parse(body) as { models: Array<Record<string, unknown>>; default: string };
    const extra = { ...models, models: [{ ...models.models[0], secret: 1 }] };
    assert.match(answerProblems({ ...answer, body: JSON.stringify(extra) }).join('\n'), /additional properties/);
    const missing: Partial<typeof models> = { ...models };
    delete missing.default;
    assert.match(answerProblems({ ...answer, body: JSON.stringify(missing) }).join('\n'), /required property 'default'/);
    assert.match(answerProblems({ ...answer, status: 418 }).join('\n'), /status 418 is not documented/);
    assert.match(answerProblems({ ...answer, contentType: 'text/html' }).join('\n'), /answered text\/html/);
  });

  test('the answer check reads each SSE event of a stream, and refuses one the route does not send', async () => {
    const response = await fetch(`${app.url}/api/stream/events?q=${encodeURIComponent('What does a kettle cost?')}`, {
      headers: user.bearer,
    });
    const body = await response.text();
    const answer = { method: 'GET', pathname: '/api/stream/events', status: 200, contentType: response.headers.get('content-type'), body };
    assert.match(body, /"type":"tool_call"/, 'the stream holds a tool call');
    assert.deepEqual(answerProblems(answer), [], 'the real stream matches');
    const renamed = body.replace('"type":"tool_call"', '"type":"tool_invocation"');
    assert.match(answerProblems({ ...answer, body: renamed }).join('\n'), /tool_invocation/);
    const unknownEvent = `${body}event: surprise\ndata: {}\n\n`;
    assert.match(answerProblems({ ...answer, body: unknownEvent }).join('\n'), /surprise/);
    // The same events are not what /api/stream/text sends.
    assert.notDeepEqual(answerProblems({ ...answer, pathname: '/api/stream/text' }), []);
  });
});
