import { requireUser } from '@/lib/auth/guard';
import { readJournal } from '@/lib/chat/journal';
import { forOwner } from '@/lib/db/owned';
import { resumedResponse } from '@/lib/protocols/ui-stream';
import { route } from '@/lib/http/route';

/**
 * Resumes the reply streaming into a chat (`useChat({ resume: true })` asks on load): the reply's
 * UI message stream from its first chunk, live to its end. 204 when nothing is streaming.
 */
async function get(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const { id } = await params;
  const stream = (await forOwner(auth.user.id).sessions.find(id)) ? await readJournal(id) : undefined;
  return stream ? resumedResponse(stream) : new Response(null, { status: 204 });
}

export const GET = route(get);
