import Link from 'next/link';

export const metadata = { title: 'Not found · Streamwright' };

/** Replaces Next.js's default 404, whose inline styles the Content-Security-Policy refuses. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">There is nothing at this address.</p>
      <Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href="/chat">
        Go to chat
      </Link>
    </main>
  );
}
