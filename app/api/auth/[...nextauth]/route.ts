import NextAuth from 'next-auth';
import { limitAuthAttempt } from '@/lib/http/admission';
import { authOptions } from '@/lib/auth/options';
import { route } from '@/lib/http/route';

type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth's own routes: sign-in, callback, session, csrf, sign-out.
function handler(request: Request, context: Context) {
  return NextAuth(authOptions())(request, context);
}

/** Password sign-ins count against the address's attempts, so passwords cannot be guessed at speed. */
async function post(request: Request, context: Context) {
  if (new URL(request.url).pathname.endsWith('/callback/credentials')) {
    const limited = await limitAuthAttempt(request);
    if (limited) return limited;
  }
  return handler(request, context);
}

export const GET = route(handler);
export const POST = route(post);
