import { usageJson } from '@/lib/ai/usage';
import { clearedSessionCookie } from '@/lib/auth/cookies';
import { requireUser } from '@/lib/auth/guard';
import { stopUserTurns } from '@/lib/chat/stop';
import { forOwner } from '@/lib/db/owned';
import { deleteUser, isPasswordOf } from '@/lib/db/users';
import { limitAuthAttempt } from '@/lib/admission/rate-limits';
import { clientAddress } from '@/lib/http/client';
import { errorResponse } from '@/lib/http/errors';
import { readInput } from '@/lib/http/input';
import { route } from '@/lib/http/route';
import { AccountDeletion } from '@/lib/http/schemas';

/** Who the request is signed in as, and the tokens they have spent. */
async function get(request: Request) {
  const user = await requireUser(request);
  const totals = await forOwner(user.id).tokenUsage.totals();
  return Response.json({
    ...user,
    usage: { runs: totals.runs, ...usageJson(totals) },
  });
}

/**
 * Deletes the caller's account and everything of theirs, given its password again (a stolen
 * cookie or key must not be enough; attempts count toward the sign-in limit, as a password
 * change's do). Replies still streaming into their chats are stopped first, so none is left
 * writing into a deleted chat.
 */
async function remove(request: Request) {
  const user = await requireUser(request);
  await limitAuthAttempt(clientAddress(request));
  const input = await readInput(request, AccountDeletion);
  if (!(await isPasswordOf(user.id, input.password))) {
    return errorResponse('invalid_parameter', "password: is not the account's password", 'password');
  }
  await stopUserTurns(user.id);
  await deleteUser(user.id);
  return new Response(null, { status: 204, headers: { 'set-cookie': clearedSessionCookie(request.headers) } });
}

export const GET = route(get);
export const DELETE = route(remove);
