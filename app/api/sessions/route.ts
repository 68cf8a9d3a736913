import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { readInput } from '@/lib/http/input';
import { presentSession } from '@/lib/http/present';
import { SessionsPage } from '@/lib/http/schemas';
import { route } from '@/lib/http/route';

/**
 * The user's chat sessions, newest first, a page at a time (`?limit=&cursor=`); with `q`, only
 * those whose title or messages hold it, each with the text that matched.
 */
async function get(request: Request) {
  const user = await requireUser(request);
  const input = await readInput(request, SessionsPage);
  const { q, ...paging } = input;
  const sessions = forOwner(user.id).sessions;
  const page = q === undefined ? await sessions.list(paging) : await sessions.search({ query: q, ...paging });
  return Response.json({ sessions: page.items.map(presentSession), next_cursor: page.nextCursor ?? null });
}

export const GET = route(get);
