import { tool, zodSchema } from 'ai';
import { z } from 'zod';
import { findProduct } from './catalogue';
import { isPlainObject } from '../errors';
import { INTERNAL_FAILURE } from './failure';

/** A tool's answer that it cannot do what was asked, in words for the model and the user. */
export class ToolFailure extends Error {
  override name = 'ToolFailure';
}

/** The guide's pattern-3 tool, answered from the product's own catalogue. */
export const lookupPrice = tool({
  description: 'Look up the list price of a product in the store catalogue.',
  // Wrapped once, so its JSON Schema is built once rather than on every model call.
  inputSchema: zodSchema(
    z.object({
      product: z.string().min(1).max(200).describe('The product name, e.g. "Espresso machine"'),
    }),
  ),
  execute: async ({ product }) => {
    const entry = findProduct(product);
    // A thrown error goes back to the model as the tool's result, so it can say so.
    if (!entry) throw new ToolFailure(`No product called "${product}" in the catalogue`);
    return { product: entry.product, price: entry.price, currency: entry.currency };
  },
});

export const tools = { lookup_price: lookupPrice };

/**
 * What a failed tool call shows, the same on every wire and in storage: a tool's refusal
 * (`ToolFailure`) in its own words; any other error, a bug, as a safe sentence.
 */
export const toolErrorText = (error: unknown): string => (error instanceof ToolFailure ? error.message : INTERNAL_FAILURE.detail);

/** What a tool's result changes in an application's shared state, as the state and JSON Patch ops. */
export interface StatePatch {
  state: unknown;
  delta: { op: 'add'; path: string; value: unknown }[];
}

/**
 * How a tool result changes the shared state an application sent (AG-UI's `state`): each price
 * `lookup_price` finds is kept under `prices`, by product. Other tools change nothing, and a
 * state that is not an object is the application's own and left alone.
 */
export function statePatch(state: unknown, toolName: string, output: unknown): StatePatch | undefined {
  if (toolName !== 'lookup_price' || !isPlainObject(state) || !isPlainObject(output) || typeof output.product !== 'string')
    return undefined;
  const entry = { price: output.price, currency: output.currency };
  const prices = isPlainObject(state.prices) ? state.prices : undefined;
  const next = { ...state, prices: { ...prices, [output.product]: entry } };
  const delta = prices
    ? [{ op: 'add' as const, path: `/prices/${pointerToken(output.product)}`, value: entry }]
    : [{ op: 'add' as const, path: '/prices', value: { [output.product]: entry } }];
  return { state: next, delta };
}

/** RFC 6901: `~` and `/` escaped in a JSON Pointer segment. */
const pointerToken = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
