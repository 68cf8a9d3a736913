import { getServerSession, type NextAuthOptions } from 'next-auth';
import { headers } from 'next/headers';
import { cache } from 'react';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { endSession, startSession, userBySession, userByCredentials } from '../db/users';
import { servedOverHttps } from './cookies';
import { authSecret } from './secret';

const Credentials = z.object({ email: z.email(), password: z.string().min(1).max(200) });

/** How long a sign-in lasts, from the moment it happened: refreshing the cookie never extends it. */
const SESSION_SECONDS = 30 * 24 * 60 * 60;

/** The session a cookie's token names (`sid`), when the token has one. */
const sessionOf = (token: Record<string, unknown>) => (typeof token.sid === 'string' ? token.sid : undefined);

/**
 * next-auth: email and password checked against the database, sessions as signed JWT cookies
 * (credentials sign-in only works with JWT sessions). Built per request so the secret is read at
 * run time, never during the build, and cookies are Secure when this request came over https.
 */
export function authOptions(headers: Headers): NextAuthOptions {
  return {
    secret: authSecret(),
    useSecureCookies: servedOverHttps(headers),
    session: { strategy: 'jwt', maxAge: SESSION_SECONDS },
    pages: { signIn: '/sign-in' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials) {
          const parsed = Credentials.safeParse(credentials);
          if (!parsed.success) return null;
          const user = await userByCredentials(parsed.data.email, parsed.data.password);
          return user ? { id: user.id, email: user.email, name: user.name } : null;
        },
      }),
    ],
    callbacks: {
      // A sign-in starts a stored session and the token names it; every later read of the token
      // (pages, /api/auth/session) checks the session still lives, else next-auth clears the
      // cookie and issues none, so a copied cookie cannot be kept alive past sign-out or its end.
      async jwt({ token, user }) {
        if (user) return { ...token, sid: (await startSession(user.id, SESSION_SECONDS)).id };
        const sid = sessionOf(token);
        if (!sid || !(await userBySession(sid))) throw new Error('The session has ended');
        return token;
      },
      // The token's subject is the user id; the session exposes it to pages.
      session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
    events: {
      // Signing out ends the session on the server, not only the cookie in this browser.
      async signOut({ token }) {
        const sid = token && sessionOf(token);
        if (sid) await endSession(sid);
      },
    },
  };
}

/** The signed-in session of the page being rendered, if its session still lives: looked up once per request. */
export const pageSession = cache(async () => getServerSession(authOptions(await headers())));
