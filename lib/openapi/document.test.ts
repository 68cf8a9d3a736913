import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionsPage } from '../http/schemas';
import { StreamInput, StructuredInput } from '../protocols/envelope/input';
import { openApiDocument } from './document';

// The document's defaults are the ones the routes apply: a field left out takes what the
// document says it takes, in a JSON body and in a query.

type Schema = { default?: unknown; properties?: Record<string, Schema> };
type Operation = { parameters?: Array<{ name: string; schema: Schema }>; requestBody?: { content: Record<string, { schema: Schema }> } };
const paths = JSON.parse(JSON.stringify(openApiDocument())).paths as Record<string, Record<string, Operation>>;

const bodyField = (path: string, field: string) => paths[path]!.post!.requestBody!.content['application/json']!.schema.properties![field]!;
const queryField = (path: string, field: string) => paths[path]!.get!.parameters!.find(({ name }) => name === field)!.schema;

test('a field left out takes the default the document gives it', () => {
  const cases: Array<[Schema, unknown]> = [
    [bodyField('/api/stream', 'max_tokens'), StreamInput.parse({ q: 'hi' }).max_tokens],
    [queryField('/api/stream', 'max_tokens'), StreamInput.parse({ q: 'hi' }).max_tokens],
    [bodyField('/api/stream/structured', 'debounce_ms'), StructuredInput.parse({ q: 'hi' }).debounce_ms],
    [queryField('/api/sessions', 'limit'), SessionsPage.parse({}).limit],
  ];
  for (const [documented, applied] of cases) {
    assert.equal(typeof applied, 'number');
    assert.equal(documented.default, applied);
  }
});
