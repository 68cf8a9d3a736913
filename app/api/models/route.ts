import { models } from '@/lib/ai/model';
import { requireUser } from '@/lib/auth/guard';
import { presentModel } from '@/lib/http/present';
import { route } from '@/lib/http/route';

/** The models a request may name (`model`), the default first, and what each can do. */
async function get(request: Request) {
  await requireUser(request);
  const { offered, defaultId } = models();
  return Response.json({ models: offered.map((model) => presentModel(model, defaultId)), default: defaultId });
}

export const GET = route(get);
