import { requireUser } from '@/lib/auth/guard';
import { endAllSessions } from '@/lib/db/users';
import { route } from '@/lib/http/route';

/** Ends every signed-in session of the caller's, this browser's too; API keys go on working. */
async function post(request: Request) {
  const user = await requireUser(request);
  await endAllSessions(user.id);
  return new Response(null, { status: 204 });
}

export const POST = route(post);
