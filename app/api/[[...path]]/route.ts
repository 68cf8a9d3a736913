import { errorResponse } from '@/lib/http/errors';

/** Unknown API paths answer JSON, not the HTML 404 page. */
function notFound(request: Request) {
  return errorResponse('not_found', `No API route at ${new URL(request.url).pathname}`);
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
