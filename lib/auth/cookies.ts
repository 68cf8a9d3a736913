import { env } from '../env';

/**
 * Whether the browser reached the app over https, so its cookies must be `Secure` (and carry
 * the `__Secure-` / `__Host-` prefixes): NEXTAUTH_URL is an https URL, or the trusted proxies in
 * front said so. scripts/serve.mjs sets `x-streamwright-proto` from the X-Forwarded-Proto of the
 * TRUST_PROXY_HOPS proxies, replacing anything a client sent. Every reader and writer of the
 * session cookie asks this, so they agree on its name.
 */
export function servedOverHttps(headers: Headers): boolean {
  return env.NEXTAUTH_URL?.startsWith('https://') === true || headers.get('x-streamwright-proto') === 'https';
}

/** The session cookie's name, as next-auth names it with and without secure cookies. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Secure-next-auth.session-token' : 'next-auth.session-token');

/** A Set-Cookie line that removes the session cookie from the browser (its account is gone). */
export function clearedSessionCookie(headers: Headers): string {
  const secure = servedOverHttps(headers);
  return `${sessionCookieName(secure)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
