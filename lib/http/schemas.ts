import { z } from 'zod';
import { integer } from './input';

// The fields of the guide's streaming endpoints, for GET queries and POST bodies alike.

const prompt = z
  .string({ error: 'required, 1 to 2000 characters' })
  .min(1, 'must be 1 to 2000 characters')
  .max(2000, 'must be 1 to 2000 characters')
  .refine((q) => q.trim().length > 0, 'must not be blank');

export const StreamInput = z.object({
  q: prompt,
  max_tokens: integer(
    z.number({ error: 'must be a whole number from 1 to 4000' }).int().min(1, 'must be at least 1').max(4000, 'must be at most 4000'),
  ).default(500),
});

export const StructuredInput = StreamInput.extend({
  debounce_ms: integer(
    z.number({ error: 'must be a whole number of milliseconds' }).int().min(0, 'must be at least 0').max(5000, 'must be at most 5000'),
  ).default(100),
});
