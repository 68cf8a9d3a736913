import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { errorResponse } from '@/lib/http/errors';
import { route } from '@/lib/http/route';

/** Revokes a key; requests using it get 401 from now on. */
async function remove(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser(request);
  const revoked = await forOwner(user.id).apiKeys.revoke((await params).id);
  return revoked ? new Response(null, { status: 204 }) : errorResponse('not_found', 'No such API key');
}

export const DELETE = route(remove);
