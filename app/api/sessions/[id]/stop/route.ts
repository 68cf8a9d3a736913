import { requireUser } from '@/lib/auth/guard';
import { stopTurn } from '@/lib/chat/stop';
import { forOwner } from '@/lib/db/owned';
import { errorResponse } from '@/lib/http/errors';
import { route } from '@/lib/http/route';

/**
 * Stops the reply streaming into a session: the model call is aborted at once and the partial
 * reply is stored as stopped. `stopped` is false when nothing was streaming.
 */
async function post(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser(request);
  const { id } = await params;
  if (!(await forOwner(user.id).sessions.find(id))) return errorResponse('not_found', 'No such chat session');
  return Response.json({ stopped: await stopTurn(user.id, id) });
}

export const POST = route(post);
