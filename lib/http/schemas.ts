import { z } from 'zod';
import { env } from '../env';
import { integer } from './input';

// The fields of the guide's streaming endpoints, for GET queries and POST bodies alike.

const { MAX_PROMPT_CHARS, MAX_OUTPUT_TOKENS, DEFAULT_OUTPUT_TOKENS } = env;

const prompt = z
  .string({ error: `required, 1 to ${MAX_PROMPT_CHARS} characters` })
  .min(1, `must be 1 to ${MAX_PROMPT_CHARS} characters`)
  .max(MAX_PROMPT_CHARS, `must be 1 to ${MAX_PROMPT_CHARS} characters`)
  .refine((q) => q.trim().length > 0, 'must not be blank');

export const StreamInput = z.object({
  q: prompt,
  max_tokens: integer(
    z
      .number({ error: `must be a whole number from 1 to ${MAX_OUTPUT_TOKENS}` })
      .int()
      .min(1, 'must be at least 1')
      .max(MAX_OUTPUT_TOKENS, `must be at most ${MAX_OUTPUT_TOKENS}`),
  ).default(Math.min(DEFAULT_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS)),
});

export const StructuredInput = StreamInput.extend({
  debounce_ms: integer(
    z.number({ error: 'must be a whole number of milliseconds' }).int().min(0, 'must be at least 0').max(5000, 'must be at most 5000'),
  ).default(100),
});

export const MAX_MESSAGE_CHARS = env.MAX_MESSAGE_CHARS;

export const SessionId = z
  .string({ error: 'required: a session id of letters, digits, _ and -' })
  .regex(/^[\w-]{1,100}$/, 'must be 1 to 100 letters, digits, _ or -');

const message = z
  .string({ error: `required, 1 to ${MAX_MESSAGE_CHARS} characters` })
  .min(1, `must be 1 to ${MAX_MESSAGE_CHARS} characters`)
  .max(MAX_MESSAGE_CHARS, `must be 1 to ${MAX_MESSAGE_CHARS} characters`)
  .refine((text) => text.trim().length > 0, 'must not be blank');

const budget = StreamInput.shape.max_tokens;

/** The guide's pattern 4: `{session_id, message}`. */
export const ChatInput = z.object({ session_id: SessionId, message, max_tokens: budget });

const UserUiMessage = z.object({
  /** The client's id for it, kept as the stored id when no other message has it. */
  id: SessionId.optional(),
  role: z.literal('user', { error: 'must be a user message' }),
  parts: z.array(z.object({ type: z.string(), text: z.string().optional() })),
});

/**
 * `useChat`'s request: the chat id and the new message (the server owns the history), or
 * `trigger: "regenerate-message"` to answer the last question again. A client
 * that sends the whole `messages` list has its last message taken. With `messageId`, the new
 * message replaces that stored user message and every turn after it (edit and resend).
 */
export const UiChatInput = z
  .object({
    id: SessionId,
    trigger: z.enum(['submit-message', 'regenerate-message']).default('submit-message'),
    message: UserUiMessage.optional(),
    messages: z.array(z.unknown()).optional(),
    messageId: SessionId.optional(),
    max_tokens: budget,
  })
  .transform((body, ctx) => {
    // Regenerating answers the stored question again; the body's messages are not needed.
    if (body.trigger === 'regenerate-message') return { id: body.id, text: undefined, max_tokens: body.max_tokens };
    const parsed = UserUiMessage.safeParse(body.message ?? body.messages?.at(-1));
    const text = parsed.success
      ? parsed.data.parts.flatMap((p) => (p.type === 'text' && p.text ? [p.text] : [])).join('\n')
      : undefined;
    const checked = message.safeParse(text);
    if (!checked.success) {
      ctx.addIssue({ code: 'custom', path: ['message'], message: checked.error.issues[0]?.message ?? 'invalid' });
      return z.NEVER;
    }
    return { id: body.id, text: checked.data, messageId: parsed.data?.id, replaces: body.messageId, max_tokens: body.max_tokens };
  });

export const SessionsPage = z.object({
  limit: integer(z.number({ error: 'must be a whole number from 1 to 100' }).int().min(1, 'must be at least 1').max(100, 'must be at most 100')).default(20),
  cursor: SessionId.optional(),
  /** Only sessions whose title or messages hold this text, in any case. */
  q: z.string({ error: 'must be 1 to 200 characters' }).trim().min(1, 'must be 1 to 200 characters').max(200, 'must be 1 to 200 characters').optional(),
});

export const SessionPatch = z.object({
  title: z.string({ error: 'required, 1 to 200 characters' }).trim().min(1, 'must be 1 to 200 characters').max(200, 'must be 1 to 200 characters'),
});

export const NewApiKey = z.object({
  name: z.string({ error: 'required, 1 to 100 characters' }).trim().min(1, 'must be 1 to 100 characters').max(100, 'must be 1 to 100 characters'),
});

const newPassword = z
  .string({ error: 'required, 12 to 200 characters' })
  .min(12, 'must be at least 12 characters')
  .max(200, 'must be at most 200 characters');

export const SignUp = z.object({
  email: z.email({ error: 'must be an email address' }).max(320),
  password: newPassword,
  name: z.string().trim().max(100, 'must be at most 100 characters').optional(),
});

/** `POST /api/me/password`: the password now, and the one to use from now on. */
export const PasswordChange = z.object({
  current_password: z.string({ error: 'required' }).max(200, 'must be at most 200 characters'),
  new_password: newPassword,
});

/** `DELETE /api/me`: the account's password, asked again before it is deleted. */
export const AccountDeletion = z.object({
  password: z.string({ error: 'required' }).max(200, 'must be at most 200 characters'),
});

/** The report page's request: a topic, with the structured endpoint's budget and debounce. */
export const ReportInput = z.object({
  topic: prompt,
  max_tokens: budget,
  debounce_ms: StructuredInput.shape.debounce_ms,
});
