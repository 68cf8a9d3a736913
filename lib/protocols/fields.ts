import { z } from 'zod';
import { models } from '../ai/model';
import { modelProblem, type RunKind } from '../ai/run';
import { env } from '../env';

// The request fields every wire protocol shares: a prompt, a chat message, a session id, the
// output-token budget (`max_tokens` on the wire, `maxOutputTokens` in the code) and the model.

const { MAX_PROMPT_CHARS, MAX_OUTPUT_TOKENS, DEFAULT_OUTPUT_TOKENS, MAX_MESSAGE_CHARS } = env;

export { MAX_MESSAGE_CHARS };

/** An integer field with a default, that arrives as a string in a query and as a number in a JSON body. */
export const integer = (schema: z.ZodNumber, { fallback, description }: { fallback: number; description: string }) =>
  z
    .preprocess((v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v), schema)
    .default(fallback)
    .meta({
      description,
      // The preprocess step hides the default from the request's schema; the document shows it.
      override: ({ jsonSchema }) => void (jsonSchema.default = fallback),
    });

export const prompt = z
  .string({ error: `required, 1 to ${MAX_PROMPT_CHARS} characters` })
  .min(1, `must be 1 to ${MAX_PROMPT_CHARS} characters`)
  .max(MAX_PROMPT_CHARS, `must be 1 to ${MAX_PROMPT_CHARS} characters`)
  .refine((q) => q.trim().length > 0, 'must not be blank')
  .meta({ description: 'The prompt' });

/** `max_tokens`: the output tokens a run may spend, across every step. */
export const maxTokens = integer(
  z
    .number({ error: `must be a whole number from 1 to ${MAX_OUTPUT_TOKENS}` })
    .int()
    .min(1, 'must be at least 1')
    .max(MAX_OUTPUT_TOKENS, `must be at most ${MAX_OUTPUT_TOKENS}`),
  { fallback: Math.min(DEFAULT_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS), description: 'The output tokens the run may spend, across every step' },
);

export const SessionId = z
  .string({ error: 'required: a session id of letters, digits, _ and -' })
  .regex(/^[\w-]{1,100}$/, 'must be 1 to 100 letters, digits, _ or -')
  .meta({ description: 'A chat session’s id, chosen by the client: a new one starts a session' });

/** A user's chat message. */
export const message = z
  .string({ error: `required, 1 to ${MAX_MESSAGE_CHARS} characters` })
  .min(1, `must be 1 to ${MAX_MESSAGE_CHARS} characters`)
  .max(MAX_MESSAGE_CHARS, `must be 1 to ${MAX_MESSAGE_CHARS} characters`)
  .refine((text) => text.trim().length > 0, 'must not be blank')
  .meta({ description: 'The user’s message' });

/**
 * `model`: one of the offered models (`GET /api/models`), able to take the endpoint's kind of run.
 * Unset, it stays unset: the default answers, or, in a chat, the session's own model.
 */
export const model = (kind: RunKind) =>
  z
    .string({ error: 'must be the id of an offered model (GET /api/models)' })
    .optional()
    .superRefine((id, ctx) => {
      const problem = id === undefined ? undefined : modelProblem(models(), id, kind);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ description: 'One of the offered models (GET /api/models); unset, the default (or, in a chat, the session’s)' });
