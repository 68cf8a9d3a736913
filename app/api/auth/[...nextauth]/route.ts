import { nextAuth, nextAuthPost } from '@/lib/auth/next-auth-route';
import { route } from '@/lib/http/route';

// next-auth's own routes: sign-in, callback, session, csrf, sign-out (lib/auth/next-auth-route.ts).
export const GET = route(nextAuth);
export const POST = route(nextAuthPost);
