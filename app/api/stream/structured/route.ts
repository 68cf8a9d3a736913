import { ResearchReport } from '@/lib/ai/report';
import { requireUser } from '@/lib/auth/guard';
import { admitStream } from '@/lib/http/admission';
import { readInput } from '@/lib/http/input';
import { StructuredInput } from '@/lib/http/schemas';
import { streamEnvelope } from '@/lib/http/stream-response';
import { structuredView } from '@/lib/protocols/structured-view';
import { route } from '@/lib/http/route';

/** Pattern 2: the research report as it fills in, then the validated report. */
async function answer(request: Request) {
  const auth = await requireUser(request);
  if (!auth.ok) return auth.response;
  const input = await readInput(request, StructuredInput);
  if (!input.ok) return input.response;
  const admitted = await admitStream(request, auth.user.id);
  if (!admitted.ok) return admitted.response;
  const { q, max_tokens, debounce_ms } = input.data;
  const view = structuredView({ schema: ResearchReport, debounceMs: debounce_ms });
  return streamEnvelope(request, auth.user, admitted, 'stream/structured', { kind: 'report', prompt: q, maxOutputTokens: max_tokens }, view);
}

const handle = route(answer);

export { handle as GET, handle as POST };
