import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { userByApiKey, userById, type AuthUser } from '../db/users';
import { errorResponse } from '../http/errors';
import { authSecret } from './secret';

export type Guarded = { ok: true; user: AuthUser } | { ok: false; response: Response };

/**
 * The one check every protected route handler runs first: an API key (`Authorization: Bearer
 * sk_…`) or the session cookie names a user, else 401 JSON (never a redirect). A request that
 * sends a key is judged by the key alone.
 */
export async function requireUser(request: Request): Promise<Guarded> {
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const key = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const user = key ? await userByApiKey(key) : undefined;
    return user ? { ok: true, user } : denied('The API key is not valid or has been revoked');
  }
  const token = await getToken({ req: request as NextRequest, secret: authSecret() });
  const user = token?.sub ? await userById(token.sub) : undefined;
  return user ? { ok: true, user } : denied('Sign in, or send Authorization: Bearer <API key>');
}

function denied(detail: string): Guarded {
  const response = errorResponse('unauthorized', detail);
  response.headers.set('www-authenticate', 'Bearer');
  return { ok: false, response };
}
