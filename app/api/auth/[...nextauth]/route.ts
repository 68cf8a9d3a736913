import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';

// next-auth's own routes: sign-in, callback, session, csrf, sign-out.
function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(authOptions())(request, context);
}

export { handler as GET, handler as POST };
