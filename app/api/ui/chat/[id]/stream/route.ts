import { requireUser } from '@/lib/auth/guard';
import { readJournal } from '@/lib/chat/journal';
import { forOwner } from '@/lib/db/owned';
import { errorResponse } from '@/lib/http/errors';
import { resumedResponse } from '@/lib/protocols/ui-stream/response';
import { route } from '@/lib/http/route';

/**
 * Resumes the reply streaming into a chat (`useChat({ resume: true })` asks on load): the reply's
 * UI message stream from its first chunk, live to its end. 204 when nothing is streaming; 404
 * for an id that is not one of the caller's sessions, as every route answers another user's id.
 */
async function get(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser(request);
  const { id } = await params;
  if (!(await forOwner(user.id).sessions.find(id))) return errorResponse('not_found', 'No such session');
  const stream = await readJournal(id);
  return stream ? resumedResponse(stream) : new Response(null, { status: 204 });
}

export const GET = route(get);
