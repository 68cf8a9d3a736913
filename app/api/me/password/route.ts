import { requireUser } from '@/lib/auth/guard';
import { changePassword } from '@/lib/db/users';
import { limitAuthAttempt } from '@/lib/admission/rate-limits';
import { clientAddress } from '@/lib/http/client';
import { errorResponse } from '@/lib/http/errors';
import { readInput } from '@/lib/http/input';
import { PasswordChange } from '@/lib/http/schemas';
import { route } from '@/lib/http/route';

/**
 * Changes the caller's password, given the current one, and ends every other signed-in session
 * (the browser that asks stays signed in). Attempts count toward the per-address sign-in limit,
 * so a stolen cookie cannot be used to guess the password.
 */
async function post(request: Request) {
  const user = await requireUser(request);
  await limitAuthAttempt(clientAddress(request));
  const input = await readInput(request, PasswordChange);
  const { current_password, new_password } = input;
  if (!(await changePassword(user.id, current_password, new_password, user.sessionId))) {
    return errorResponse('invalid_parameter', "current_password: is not the account's password", 'current_password');
  }
  return new Response(null, { status: 204 });
}

export const POST = route(post);
