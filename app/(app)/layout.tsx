import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppHeader } from '@/components/ui/app-header';
import { DialogProvider } from '@/components/ui/dialogs';
import { pageSession } from '@/lib/auth/options';

/** Every signed-in page: the header, and dialogs for the pages to ask with. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await pageSession();
  // The proxy checked the cookie's signature; a session that has ended (signed out elsewhere,
  // past its end) has no user, so back to sign-in.
  if (!session?.user) redirect('/sign-in');
  return (
    <DialogProvider>
      <div className="flex h-dvh flex-col">
        <AppHeader email={session.user.email ?? ''} />
        <div className="min-h-0 flex-1">{children}</div>
      </div>
    </DialogProvider>
  );
}
