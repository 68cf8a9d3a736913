import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { userByCredentials } from '../db/users';
import { authSecret } from './secret';

const Credentials = z.object({ email: z.email(), password: z.string().min(1).max(200) });

/**
 * next-auth: email and password checked against the database, sessions as signed JWT cookies
 * (credentials sign-in only works with JWT sessions). Built per call so the secret is read at
 * run time, never during the build.
 */
export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
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
      // The token's subject is the user id; the session exposes it to pages.
      session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
