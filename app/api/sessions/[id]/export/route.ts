import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { errorResponse } from '@/lib/http/errors';
import { chatExport, chatMarkdown, exportResponse } from '@/lib/http/export';
import { readInput } from '@/lib/http/input';
import { route } from '@/lib/http/route';
import { ExportQuery } from '@/lib/http/schemas';

/** A chat as a file to download: `?format=markdown` (the default) or `json`. */
async function get(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser(request);
  const { format } = await readInput(request, ExportQuery);
  const { id } = await params;
  const owner = forOwner(user.id);
  const session = await owner.sessions.find(id);
  if (!session) return errorResponse('not_found', 'No such chat session');
  const exported = chatExport(session, await owner.messages.list(id), new Date());
  return exportResponse(format, { prefix: 'chat', title: session.title, json: exported, markdown: () => chatMarkdown(exported) });
}

export const GET = route(get);
