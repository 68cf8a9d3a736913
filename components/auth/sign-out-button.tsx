'use client';

import { useRouter } from 'next/navigation';
import { signOut } from 'next-auth/react';

export function SignOutButton() {
  const router = useRouter();
  async function leave() {
    // No server-side redirect: its base URL would come from NEXTAUTH_URL, not the page's origin.
    await signOut({ redirect: false });
    router.replace('/sign-in');
    router.refresh();
  }
  return (
    <button
      type="button"
      onClick={() => void leave()}
      className="rounded-md border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
    >
      Sign out
    </button>
  );
}
