'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import { usePanel } from '../ui/use-panel';
import { askForNewChat } from './session-events';
import Link from 'next/link';

/**
 * The chat pages' frame: the chat list beside the chat on a wide screen; on a phone, a drawer
 * opened from a one-row bar, so the conversation keeps the screen.
 */
export function ChatShell({ sidebar, children }: { sidebar: ReactNode; children: ReactNode }) {
  const [open, setOpen] = usePanel();
  const drawer = useRef<HTMLElement>(null);
  // Opened, the drawer takes the focus, so keyboard and screen-reader users land in it.
  useEffect(() => {
    if (open) drawer.current?.querySelector<HTMLElement>('a[href]')?.focus();
  }, [open]);

  return (
    <div className="flex h-full min-h-0 flex-col md:flex-row">
      <div className="flex items-center gap-2 border-b border-zinc-200 px-3 py-1 md:hidden dark:border-zinc-800">
        <button
          type="button"
          aria-expanded={open}
          aria-controls="chat-drawer"
          onClick={() => setOpen(true)}
          className="min-h-11 rounded-md px-3 text-sm font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          ☰ Chats
        </button>
        <Link
          href="/chat"
          onClick={askForNewChat}
          className="ml-auto flex min-h-11 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-zinc-100 dark:text-indigo-400 dark:hover:bg-zinc-800"
        >
          New chat
        </Link>
      </div>
      {open && <div aria-hidden onClick={() => setOpen(false)} className="fixed inset-0 z-30 bg-black/40 md:hidden" />}
      <aside
        ref={drawer}
        id="chat-drawer"
        aria-label="Chat list"
        // Opening a chat (even the one already open) closes the drawer.
        onClick={(event) => (event.target as Element).closest('a') && setOpen(false)}
        className={`${open ? 'fixed inset-y-0 left-0 z-40 flex w-[min(20rem,85vw)] bg-white shadow-xl dark:bg-zinc-950' : 'hidden'} flex-col md:static md:z-auto md:flex md:w-64 md:shrink-0 md:border-r md:border-zinc-200 md:shadow-none dark:border-zinc-800`}
      >
        {sidebar}
      </aside>
      {/* While the drawer is open on a phone, the chat behind it takes no focus or clicks. */}
      <main inert={open} className="mx-auto h-full min-h-0 w-full max-w-3xl flex-1">
        {children}
      </main>
    </div>
  );
}
