/**
 * The address of the client that sent the request. scripts/serve.mjs sets `x-streamwright-client`
 * from the socket and TRUST_PROXY_HOPS (so a client cannot choose its own by sending
 * X-Forwarded-For); without it (next dev) the first X-Forwarded-For entry stands in.
 */
export function clientAddress(request: Request): string {
  const fromServer = request.headers.get('x-streamwright-client');
  if (fromServer) return fromServer;
  return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
}
