import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogue, productMentionedIn } from './catalogue';
import { lookupPrice } from './tools';

const run = (product: string) => lookupPrice.execute!({ product }, { toolCallId: 't', messages: [] } as never);

test('lookup_price answers {product, price, currency} from the catalogue, any case', async () => {
  assert.deepEqual(await run('desk LAMP'), { product: 'Desk lamp', price: 45, currency: 'GBP' });
  assert.deepEqual(await run('Notebooks'), { product: 'Notebook', price: 9.99, currency: 'USD' });
});

test('every catalogue entry can be looked up by its own name', async () => {
  for (const entry of catalogue) assert.deepEqual(await run(entry.product), entry);
});

test('an unknown product is an error the model can read', async () => {
  await assert.rejects(Promise.resolve(run('Time machine')), /No product called "Time machine" in the catalogue/);
});

test('the longest product name a sentence mentions wins', () => {
  assert.equal(productMentionedIn('price of an espresso machine and a notebook?')?.product, 'Espresso machine');
  assert.equal(productMentionedIn('nothing here'), undefined);
});
