'use client';

import { useRouter } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { Field } from '../auth/field';
import { useJson } from '../ui/use-json';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

/**
 * API keys for programs: create (the key is shown once, with a copy button), list, revoke; and
 * the account's sessions: sign out every browser at once, or change the password (which signs
 * out every other browser).
 */
export function KeysView() {
  const { data, reload: load } = useJson<{ keys: ApiKey[] }>('/api/keys');
  const keys = data?.keys ?? [];
  const [created, setCreated] = useState<string>();
  const [copied, setCopied] = useState(false);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    const response = await fetch('/api/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    if (!response.ok) return;
    setCreated(((await response.json()) as { key: string }).key);
    setCopied(false);
    form.reset();
    load();
  }

  async function revoke(key: ApiKey) {
    if (!window.confirm(`Revoke “${key.name}”? Programs using it will get 401.`)) return;
    await fetch(`/api/keys/${key.id}`, { method: 'DELETE' });
    load();
  }

  const router = useRouter();
  async function signOutEverywhere() {
    if (!window.confirm('Sign out of every browser, this one too? API keys keep working.')) return;
    const response = await fetch('/api/me/sign-out-everywhere', { method: 'POST' });
    if (!response.ok) return;
    await signOut({ redirect: false });
    router.replace('/sign-in');
    router.refresh();
  }

  return (
    <div className="mx-auto max-w-3xl space-y-6 p-4">
      <h1 className="text-2xl font-bold">API keys</h1>
      <form onSubmit={create} className="flex gap-2" aria-label="Create an API key">
        <label htmlFor="key-name" className="sr-only">
          Key name
        </label>
        <input id="key-name" name="name" required maxLength={100} placeholder="What the key is for" className="flex-1 rounded-md border border-zinc-300 bg-transparent px-3 py-2 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700" />
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500">
          Create key
        </button>
      </form>

      {created && (
        <div role="status" data-testid="new-key" className="space-y-2 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm dark:border-emerald-800 dark:bg-emerald-950">
          <p className="font-semibold">Copy the key now; it will not be shown again.</p>
          <div className="flex items-center gap-2">
            <code data-testid="new-key-value" className="flex-1 overflow-x-auto rounded bg-white px-2 py-1 dark:bg-zinc-900">
              {created}
            </code>
            <button type="button" onClick={() => void navigator.clipboard.writeText(created).then(() => setCopied(true))} className="rounded-md border border-zinc-300 px-3 py-1 dark:border-zinc-700">
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <pre className="overflow-x-auto text-xs">{`curl -N -H "Authorization: Bearer ${created}" "${typeof window === 'undefined' ? '' : window.location.origin}/api/stream?q=Hello+World"`}</pre>
        </div>
      )}

      <table className="w-full text-left text-sm">
        <caption className="sr-only">Your API keys</caption>
        <thead className="text-zinc-500 dark:text-zinc-400">
          <tr>
            <th className="py-1 font-medium">Name</th>
            <th className="py-1 font-medium">Key</th>
            <th className="py-1 font-medium">Last used</th>
            <th className="py-1">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="key-list">
          {keys.map((key) => (
            <tr key={key.id} className="border-t border-zinc-200 dark:border-zinc-800">
              <td className="py-2">{key.name}</td>
              <td className="py-2 font-mono">{key.prefix}…</td>
              <td className="py-2">{key.last_used_at ? new Date(key.last_used_at).toLocaleString() : 'never'}</td>
              <td className="py-2 text-right">
                <button type="button" onClick={() => void revoke(key)} aria-label={`Revoke ${key.name}`} className="rounded-md border border-zinc-300 px-2 py-0.5 hover:border-red-400 hover:text-red-700 dark:border-zinc-700">
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <section aria-labelledby="browsers-heading" className="space-y-2 border-t border-zinc-200 pt-4 dark:border-zinc-800">
        <h2 id="browsers-heading" className="text-lg font-semibold">
          Signed-in browsers
        </h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Ends the session of every browser you are signed in on, this one too. API keys keep working.</p>
        <button type="button" onClick={() => void signOutEverywhere()} className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950">
          Sign out everywhere
        </button>
      </section>

      <PasswordForm />
    </div>
  );
}

/** The current password and a new one; on success every other browser is signed out. */
function PasswordForm() {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const [pending, setPending] = useState(false);

  async function change(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    setPending(true);
    setOutcome(undefined);
    const response = await fetch('/api/me/password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ current_password: fields.get('current_password'), new_password: fields.get('new_password') }),
    }).catch(() => undefined);
    setPending(false);
    if (response?.ok) {
      form.reset();
      setOutcome({ ok: true, text: 'Password changed. Every other browser is signed out.' });
      return;
    }
    const body = (await response?.json().catch(() => ({}))) as { error?: string; detail?: string } | undefined;
    const text =
      body?.error === 'invalid_parameter' && body.detail?.startsWith('current_password')
        ? 'The current password is not right.'
        : body?.detail?.replace(/^new_password: /, 'New password: ') ?? 'The password could not be changed; try again.';
    setOutcome({ ok: false, text });
  }

  return (
    <section aria-labelledby="password-heading" className="space-y-3 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <h2 id="password-heading" className="text-lg font-semibold">
        Password
      </h2>
      <form onSubmit={change} className="max-w-sm space-y-3" aria-label="Change password">
        <Field label="Current password" name="current_password" type="password" autoComplete="current-password" required />
        <Field label="New password" name="new_password" type="password" autoComplete="new-password" minLength={8} maxLength={200} required />
        {outcome && (
          <p role={outcome.ok ? 'status' : 'alert'} data-testid="password-outcome" className={outcome.ok ? 'text-sm text-emerald-700 dark:text-emerald-400' : 'text-sm text-red-600 dark:text-red-400'}>
            {outcome.text}
          </p>
        )}
        <button type="submit" disabled={pending} className="rounded-md border border-zinc-300 px-3 py-1 text-sm hover:border-indigo-400 disabled:opacity-60 dark:border-zinc-700">
          {pending ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
