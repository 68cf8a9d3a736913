import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { readInput } from '@/lib/http/input';
import { presentApiKey } from '@/lib/http/present';
import { NewApiKey } from '@/lib/http/schemas';
import { route } from '@/lib/http/route';

/** The user's live API keys (name, prefix and last use only), and the ones revoked lately. */
async function get(request: Request) {
  const user = await requireUser(request);
  const owner = forOwner(user.id);
  const [keys, revoked] = await Promise.all([owner.apiKeys.list(), owner.apiKeys.revoked()]);
  return Response.json({ keys: keys.map(presentApiKey), revoked: revoked.map(presentApiKey) });
}

/** Creates a key. The full key is in this response only; the server keeps its hash. */
async function post(request: Request) {
  const user = await requireUser(request);
  const input = await readInput(request, NewApiKey);
  const created = await forOwner(user.id).apiKeys.create(input.name);
  return Response.json({ ...presentApiKey(created), key: created.key }, { status: 201 });
}

export const GET = route(get);
export const POST = route(post);
