import { openApiDocument } from '@/lib/openapi/document';
import { route } from '@/lib/http/route';

/** The OpenAPI 3.1 description of this API, for anyone (the /docs page reads it). */
async function get() {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
}

export const GET = route(get);
