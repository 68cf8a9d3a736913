import { requireUser } from '@/lib/auth/guard';
import { stopTurn } from '@/lib/chat/stop';
import { forOwner } from '@/lib/db/owned';
import { errorResponse } from '@/lib/http/errors';
import { readInput } from '@/lib/http/input';
import { presentMessage, presentSession } from '@/lib/http/present';
import { SessionPatch } from '@/lib/http/schemas';
import { route } from '@/lib/http/route';

type Context = { params: Promise<{ id: string }> };

const notFound = () => errorResponse('not_found', 'No such chat session');

/** A session with every message, in order, as stored. */
async function get(request: Request, { params }: Context) {
  const user = await requireUser(request);
  const { id } = await params;
  const owner = forOwner(user.id);
  const session = await owner.sessions.find(id);
  if (!session) return notFound();
  const messages = await owner.messages.list(id);
  return Response.json({ ...presentSession(session), messages: messages.map(presentMessage) });
}

/** Renames a session. */
async function patch(request: Request, { params }: Context) {
  const user = await requireUser(request);
  const input = await readInput(request, SessionPatch);
  const session = await forOwner(user.id).sessions.rename((await params).id, input.title);
  return session ? Response.json(presentSession(session)) : notFound();
}

/** Deletes a session and its messages; a reply still streaming into it is stopped. */
async function remove(request: Request, { params }: Context) {
  const user = await requireUser(request);
  const { id } = await params;
  const owner = forOwner(user.id);
  if (!(await owner.sessions.find(id))) return notFound();
  await stopTurn(user.id, id);
  await owner.sessions.delete(id);
  return new Response(null, { status: 204 });
}

export const GET = route(get);
export const PATCH = route(patch);
export const DELETE = route(remove);
