import { z } from 'zod';
import { integer, SessionId } from '../protocols/fields';

// The request bodies and queries of the routes that do not stream (the streaming ones are each
// protocol's own: lib/protocols/*/input.ts).

export const SessionsPage = z.object({
  limit: integer(
    z.number({ error: 'must be a whole number from 1 to 100' }).int().min(1, 'must be at least 1').max(100, 'must be at most 100'),
    { fallback: 20, description: 'How many sessions a page holds' },
  ),
  cursor: SessionId.optional(),
  /** Only sessions whose title or messages hold this text, in any case. */
  q: z
    .string({ error: 'must be 1 to 200 characters' })
    .trim()
    .min(1, 'must be 1 to 200 characters')
    .max(200, 'must be 1 to 200 characters')
    .optional(),
});

export const SessionPatch = z.object({
  title: z
    .string({ error: 'required, 1 to 200 characters' })
    .trim()
    .min(1, 'must be 1 to 200 characters')
    .max(200, 'must be 1 to 200 characters'),
});

export const NewApiKey = z.object({
  name: z
    .string({ error: 'required, 1 to 100 characters' })
    .trim()
    .min(1, 'must be 1 to 100 characters')
    .max(100, 'must be 1 to 100 characters'),
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

/** `GET /api/sessions/{id}/export` and `/api/reports/{id}/export`: the file's format. */
export const ExportQuery = z.object({
  format: z.enum(['markdown', 'json'], { error: 'must be markdown or json' }).default('markdown'),
});
