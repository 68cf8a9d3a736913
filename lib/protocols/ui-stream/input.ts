import { z } from 'zod';
import { maxTokens, message, model, SessionId } from '../fields';

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
 * message replaces that stored user message and every turn after it (edit and resend). A `model`
 * becomes the session's.
 */
export const UiChatInput = z
  .object({
    id: SessionId,
    trigger: z.enum(['submit-message', 'regenerate-message']).default('submit-message'),
    message: UserUiMessage.optional(),
    messages: z.array(z.unknown()).optional(),
    messageId: SessionId.optional(),
    max_tokens: maxTokens,
    model: model('answer'),
  })
  .transform((body, ctx) => {
    // Regenerating answers the stored question again; the body's messages are not needed.
    if (body.trigger === 'regenerate-message') return { id: body.id, text: undefined, max_tokens: body.max_tokens, model: body.model };
    const parsed = UserUiMessage.safeParse(body.message ?? body.messages?.at(-1));
    const text = parsed.success ? parsed.data.parts.flatMap((p) => (p.type === 'text' && p.text ? [p.text] : [])).join('\n') : undefined;
    const checked = message.safeParse(text);
    if (!checked.success) {
      ctx.addIssue({ code: 'custom', path: ['message'], message: checked.error.issues[0]?.message ?? 'invalid' });
      return z.NEVER;
    }
    return {
      id: body.id,
      text: checked.data,
      messageId: parsed.data?.id,
      replaces: body.messageId,
      max_tokens: body.max_tokens,
      model: body.model,
    };
  });
