'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { refusal } from '../auth/sign-in';
import { useDialogs } from '../ui/dialogs';
import { useJson } from '../ui/use-json';
import { askForNewChat, notifySessionsChanged, onSessionsChanged } from './session-events';

interface SessionSummary {
  id: string;
  title: string;
  updated_at: string;
}

/** The user's chat sessions, newest first: open, rename, delete, start a new one. */
export function SessionSidebar() {
  const { data, reload } = useJson<{ sessions: SessionSummary[] }>('/api/sessions?limit=100');
  const sessions = data?.sessions ?? [];
  const pathname = usePathname();
  const router = useRouter();
  const dialogs = useDialogs();
  useEffect(() => onSessionsChanged(reload), [reload]);

  async function rename(session: SessionSummary) {
    const title = await dialogs.ask({ title: 'Rename the chat', confirmLabel: 'Rename', field: { label: 'Title', value: session.title, maxLength: 200 } });
    if (!title) return;
    await fetch(`/api/sessions/${encodeURIComponent(session.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });
    notifySessionsChanged();
  }

  async function remove(session: SessionSummary) {
    const sure = await dialogs.confirm({ title: `Delete “${session.title}”?`, body: 'The chat and its messages are removed for good.', confirmLabel: 'Delete', danger: true });
    if (!sure) return;
    const response = await fetch(`/api/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' }).catch(() => undefined);
    notifySessionsChanged();
    if (!response?.ok && response?.status !== 404) {
      await dialogs.confirm({ title: 'The chat could not be deleted', body: response ? await refusal(response) : 'The server could not be reached.', confirmLabel: 'OK' });
      return;
    }
    if (pathname === `/chat/${session.id}`) {
      askForNewChat();
      router.push('/chat');
    }
  }

  return (
    <nav aria-label="Chats" className="flex h-full flex-col gap-2 p-3">
      <Link href="/chat" onClick={askForNewChat} className="rounded-md bg-indigo-600 px-3 py-2 text-center text-sm font-semibold text-white hover:bg-indigo-500">
        New chat
      </Link>
      <div data-testid="session-list" className="min-h-0 flex-1 space-y-3 overflow-y-auto text-sm">
        {groupByDay(sessions).map(({ label, items }) => (
          <section key={label} aria-label={label}>
            <h2 className="px-2 pb-1 text-xs font-semibold text-zinc-500 dark:text-zinc-400">{label}</h2>
            <ul className="space-y-1">
              {items.map((session) => {
                const current = pathname === `/chat/${session.id}`;
                return (
                  <li key={session.id} className={`group flex items-center gap-1 rounded-md ${current ? 'bg-zinc-100 dark:bg-zinc-800' : 'hover:bg-zinc-50 dark:hover:bg-zinc-900'}`}>
                    <Link href={`/chat/${session.id}`} aria-current={current ? 'page' : undefined} title={session.title} className="flex min-h-11 min-w-0 flex-1 items-center px-2 md:min-h-8">
                      <span className="truncate">{session.title}</span>
                    </Link>
                    <time dateTime={session.updated_at} className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400">
                      {whenShort(session.updated_at)}
                    </time>
                    <button type="button" onClick={() => void rename(session)} aria-label={`Rename ${session.title}`} className="min-h-11 min-w-11 rounded text-zinc-600 hover:text-zinc-900 md:min-h-8 md:min-w-8 dark:text-zinc-400 dark:hover:text-zinc-100">
                      ✎
                    </button>
                    <button type="button" onClick={() => void remove(session)} aria-label={`Delete ${session.title}`} className="min-h-11 min-w-11 rounded text-zinc-600 hover:text-red-700 md:min-h-8 md:min-w-8 dark:text-zinc-400">
                      ✕
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
    </nav>
  );
}

const dayStart = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

/** Sessions (newest first) under Today, Yesterday, Previous 7 days and Earlier, in the reader's time zone. */
function groupByDay(sessions: SessionSummary[]): Array<{ label: string; items: SessionSummary[] }> {
  const today = dayStart(new Date());
  const labelOf = (session: SessionSummary) => {
    const days = Math.round((today - dayStart(new Date(session.updated_at))) / 86_400_000);
    return days <= 0 ? 'Today' : days === 1 ? 'Yesterday' : days < 7 ? 'Previous 7 days' : 'Earlier';
  };
  const groups: Array<{ label: string; items: SessionSummary[] }> = [];
  for (const session of sessions) {
    const label = labelOf(session);
    if (groups.at(-1)?.label !== label) groups.push({ label, items: [] });
    groups.at(-1)!.items.push(session);
  }
  return groups;
}

/** The time for today's chats, else the date: enough to tell two chats of one title apart. */
function whenShort(iso: string): string {
  const date = new Date(iso);
  return dayStart(date) === dayStart(new Date())
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
