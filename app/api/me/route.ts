import { requireUser } from '@/lib/auth/guard';
import { forOwner } from '@/lib/db/owned';

/** Who the request is signed in as, and the tokens they have spent. */
export async function GET(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const totals = await forOwner(auth.user.id).tokenUsage.totals();
  return Response.json({
    ...auth.user,
    usage: { runs: totals.runs, input_tokens: totals.inputTokens, output_tokens: totals.outputTokens, total_tokens: totals.totalTokens },
  });
}
