'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useJson } from '../ui/use-json';
import { notifySessionsChanged, onSessionsChanged } from './session-events';

interface SessionSummary {
  id: string;
  title: string;
}

/** The user's chat sessions, newest first: open, rename, delete, start a new one. */
export function SessionSidebar() {
  const { data, reload } = useJson<{ sessions: SessionSummary[] }>('/api/sessions?limit=100');
  const sessions = data?.sessions ?? [];
  const pathname = usePathname();
  const router = useRouter();
  useEffect(() => onSessionsChanged(reload), [reload]);

  async function rename(session: SessionSummary) {
    const title = window.prompt('Rename the chat', session.title)?.trim();
    if (!title) return;
    await fetch(`/api/sessions/${encodeURIComponent(session.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });
    notifySessionsChanged();
  }

  async function remove(session: SessionSummary) {
    if (!window.confirm(`Delete “${session.title}”?`)) return;
    await fetch(`/api/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' });
    notifySessionsChanged();
    if (pathname === `/chat/${session.id}`) router.push('/chat');
  }

  return (
    <nav aria-label="Chats" className="flex h-full flex-col gap-2 p-3">
      <Link href="/chat" className="rounded-md bg-indigo-600 px-3 py-2 text-center text-sm font-semibold text-white hover:bg-indigo-500">
        New chat
      </Link>
      <ul data-testid="session-list" className="min-h-0 flex-1 space-y-1 overflow-y-auto text-sm">
        {sessions.map((session) => {
          const current = pathname === `/chat/${session.id}`;
          return (
            <li key={session.id} className={`group flex items-center gap-1 rounded-md ${current ? 'bg-zinc-100 dark:bg-zinc-800' : 'hover:bg-zinc-50 dark:hover:bg-zinc-900'}`}>
              <Link href={`/chat/${session.id}`} aria-current={current ? 'page' : undefined} className="min-w-0 flex-1 truncate px-2 py-1.5">
                {session.title}
              </Link>
              <button type="button" onClick={() => void rename(session)} aria-label={`Rename ${session.title}`} className="rounded px-1 text-zinc-600 dark:text-zinc-400 hover:text-zinc-900 dark:hover:text-zinc-100">
                ✎
              </button>
              <button type="button" onClick={() => void remove(session)} aria-label={`Delete ${session.title}`} className="rounded px-1 text-zinc-600 dark:text-zinc-400 hover:text-red-700">
                ✕
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
