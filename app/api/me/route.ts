import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';
import { route } from '@/lib/http/route';

/** Who the request is signed in as, and the tokens they have spent. */
async function get(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const totals = await forOwner(auth.user.id).tokenUsage.totals();
  return Response.json({
    ...auth.user,
    usage: { runs: totals.runs, input_tokens: totals.inputTokens, output_tokens: totals.outputTokens, total_tokens: totals.totalTokens },
  });
}

export const GET = route(get);
