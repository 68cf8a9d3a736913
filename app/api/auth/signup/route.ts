import { createUser, normaliseEmail } from '@/lib/db/users';
import { limitAuthAttempt } from '@/lib/admission/rate-limits';
import { clientAddress } from '@/lib/http/client';
import { readInput } from '@/lib/http/input';
import { SignUp } from '@/lib/http/schemas';
import { route } from '@/lib/http/route';

/**
 * Creates an account with email and password; sign in afterwards through next-auth. A taken
 * email gets the very same answer, so sign-up does not tell anyone which emails have accounts:
 * the sign-in that follows is what succeeds, or fails as any wrong password does. (Sign-up and
 * sign-in together still tell whether an email was free: without email verification nothing can
 * hide that, and the per-address limit bounds how fast anyone can ask; docs/security.md.)
 */
async function post(request: Request) {
  await limitAuthAttempt(clientAddress(request));
  const input = await readInput(request, SignUp);
  const { email, password, name } = input;
  await createUser(email, password, name);
  return Response.json(
    { email: normaliseEmail(email), detail: 'Sign in with this email and password to continue' },
    { status: 202, headers: { 'cache-control': 'no-store' } },
  );
}

export const POST = route(post);
