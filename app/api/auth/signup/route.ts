import { createUser } from '@/lib/db/users';
import { limitAuthAttempt } from '@/lib/http/admission';
import { errorResponse } from '@/lib/http/errors';
import { readInput } from '@/lib/http/input';
import { SignUp } from '@/lib/http/schemas';
import { route } from '@/lib/http/route';

/** Creates an account with email and password; sign in afterwards through next-auth. */
async function post(request: Request) {
  const limited = await limitAuthAttempt(request);
  if (limited) return limited;
  const input = await readInput(request, SignUp);
  if (!input.ok) return input.response;
  const { email, password, name } = input.data;
  const user = await createUser(email, password, name);
  if (!user) return errorResponse('email_taken', 'An account with this email already exists', 'email');
  return Response.json({ id: user.id, email: user.email, name: user.name }, { status: 201 });
}

export const POST = route(post);
