import { tool, zodSchema } from 'ai';
import { z } from 'zod';
import { findProduct } from './catalogue';
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
export type Tools = typeof tools;

/**
 * What a failed tool call shows, the same on every wire and in storage: a tool's refusal
 * (`ToolFailure`) in its own words; any other error, a bug, as a safe sentence.
 */
export const toolErrorText = (error: unknown): string => (error instanceof ToolFailure ? error.message : INTERNAL_FAILURE.detail);
