import type { ReactNode } from 'react';
import { SessionSidebar } from '@/components/chat/session-sidebar';

export default function ChatLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex h-full min-h-0 flex-col md:flex-row">
      <aside className="max-h-48 shrink-0 border-b border-zinc-200 md:max-h-none md:w-64 md:border-r md:border-b-0 dark:border-zinc-800">
        <SessionSidebar />
      </aside>
      <main className="mx-auto h-full min-h-0 w-full max-w-3xl flex-1">{children}</main>
    </div>
  );
}
