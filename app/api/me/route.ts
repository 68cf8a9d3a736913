import { clearedSessionCookie } from '@/lib/auth/cookies';
import { requireUser } from '@/lib/auth/guard';
import { stopUserTurns } from '@/lib/chat/turns';
import { forOwner } from '@/lib/db/owned';
import { deleteUser, isPasswordOf } from '@/lib/db/users';
import { limitAuthAttempt } from '@/lib/http/admission';
import { errorResponse } from '@/lib/http/errors';
import { readInput } from '@/lib/http/input';
import { route } from '@/lib/http/route';
import { AccountDeletion } from '@/lib/http/schemas';

/** Who the request is signed in as, and the tokens they have spent. */
async function get(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const totals = await forOwner(auth.user.id).tokenUsage.totals();
  return Response.json({
    ...auth.user,
    usage: { runs: totals.runs, input_tokens: totals.inputTokens, output_tokens: totals.outputTokens, total_tokens: totals.totalTokens },
  });
}

/**
 * Deletes the caller's account and everything of theirs, given its password again (a stolen
 * cookie or key must not be enough; attempts count toward the sign-in limit, as a password
 * change's do). Replies still streaming into their chats are stopped first, so none is left
 * writing into a deleted chat.
 */
async function remove(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const limited = await limitAuthAttempt(request);
  if (limited) return limited;
  const input = await readInput(request, AccountDeletion);
  if (!input.ok) return input.response;
  if (!(await isPasswordOf(auth.user.id, input.data.password))) {
    return errorResponse('invalid_parameter', "password: is not the account's password", 'password');
  }
  await stopUserTurns(auth.user.id);
  await deleteUser(auth.user.id);
  return new Response(null, { status: 204, headers: { 'set-cookie': clearedSessionCookie(request.headers) } });
}

export const GET = route(get);
export const DELETE = route(remove);
