import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { ModelBadge } from '@/components/ui/model-badge';
import { NavLink } from '@/components/ui/nav-link';
import { currentModel } from '@/lib/ai/model';
import { pageSession } from '@/lib/auth/options';

/** Every signed-in page: a header with the sections, the answering model and the user. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await pageSession();
  // The proxy checked the cookie's signature; a session that has ended (signed out elsewhere,
  // past its end) has no user, so back to sign-in.
  if (!session?.user) redirect('/sign-in');
  return (
    <div className="flex h-dvh flex-col">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <Link href="/chat" className="font-bold tracking-tight">
          Streamwright
        </Link>
        <nav aria-label="Sections" className="flex gap-1 text-sm">
          <NavLink href="/chat">Chat</NavLink>
          <NavLink href="/report">Report</NavLink>
          <NavLink href="/inspector">Inspector</NavLink>
          <NavLink href="/keys">API keys</NavLink>
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <ModelBadge model={currentModel().label} />
          <span data-testid="signed-in-as" className="hidden sm:inline">
            {session?.user?.email}
          </span>
          <SignOutButton />
        </div>
      </header>
      <div className="min-h-0 flex-1">{children}</div>
    </div>
  );
}
