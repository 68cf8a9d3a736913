'use client';

import { useState, type FormEvent } from 'react';
import { useDialogs } from '../ui/dialogs';
import { useJson } from '../ui/use-json';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at?: string;
}

/** API keys for programs: create (the key is shown once, with a copy button), list, revoke. */
export function KeysView() {
  const { data, reload: load } = useJson<{ keys: ApiKey[]; revoked: ApiKey[] }>('/api/keys');
  const keys = data?.keys ?? [];
  const revoked = data?.revoked ?? [];
  // The key just created, shown until the page is left or the key revoked.
  const [created, setCreated] = useState<{ id: string; key: string }>();
  const [copied, setCopied] = useState<'key' | 'curl'>();
  const dialogs = useDialogs();

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    const response = await fetch('/api/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (!response.ok) return;
    const { id, key } = (await response.json()) as { id: string; key: string };
    setCreated({ id, key });
    setCopied(undefined);
    form.reset();
    load();
  }

  async function revoke(key: ApiKey) {
    const sure = await dialogs.confirm({
      title: `Revoke “${key.name}”?`,
      body: 'Programs using it will get 401 from now on.',
      confirmLabel: 'Revoke',
      danger: true,
    });
    if (!sure) return;
    await fetch(`/api/keys/${key.id}`, { method: 'DELETE' });
    if (created?.id === key.id) setCreated(undefined);
    load();
  }

  return (
    <div data-testid="keys" className="mx-auto max-w-3xl space-y-6 p-4">
      <div>
        <h1 className="text-2xl font-bold">API keys</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Programs call the API with a key: <code>Authorization: Bearer sk_…</code>. Each key works until it is revoked. Every route, its
          fields and its stream events are in the{' '}
          {/* A full page load: the reference's style patch stays on its own page (components/docs/csp-styles.ts). */}
          <a href="/docs" className="underline underline-offset-2">
            API reference
          </a>
          , where requests can be tried with a key.
        </p>
      </div>
      <form onSubmit={create} className="flex gap-2" aria-label="Create an API key">
        <label htmlFor="key-name" className="sr-only">
          Key name
        </label>
        <input
          id="key-name"
          name="name"
          required
          maxLength={100}
          placeholder="What the key is for"
          className="flex-1 rounded-md border border-zinc-300 bg-transparent px-3 py-2 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700"
        />
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500">
          Create key
        </button>
      </form>

      {created && (
        <div
          role="status"
          data-testid="new-key"
          className="space-y-2 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm dark:border-emerald-800 dark:bg-emerald-950"
        >
          <p className="font-semibold">Copy the key now; it will not be shown again.</p>
          <CopyLine
            testId="new-key-value"
            text={created.key}
            copied={copied === 'key'}
            onCopied={() => setCopied('key')}
            label="Copy key"
          />
          <p>Try it:</p>
          <CopyLine
            testId="new-key-curl"
            text={curlLine(created.key)}
            copied={copied === 'curl'}
            onCopied={() => setCopied('curl')}
            label="Copy command"
          />
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
                <button
                  type="button"
                  onClick={() => void revoke(key)}
                  aria-label={`Revoke ${key.name}`}
                  className="min-h-11 rounded-md border border-zinc-300 px-3 hover:border-red-400 hover:text-red-700 md:min-h-8 md:px-2 dark:border-zinc-700"
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
          {data && keys.length === 0 && (
            <tr className="border-t border-zinc-200 dark:border-zinc-800">
              <td colSpan={4} className="py-3 text-zinc-600 dark:text-zinc-400">
                No keys yet: name one above to create it.
              </td>
            </tr>
          )}
        </tbody>
      </table>

      {revoked.length > 0 && (
        <details data-testid="revoked-keys" className="text-sm">
          <summary className="flex min-h-11 cursor-pointer items-center text-zinc-600 md:min-h-0 dark:text-zinc-400">
            Revoked keys ({revoked.length})
          </summary>
          <ul className="mt-2 space-y-1">
            {revoked.map((key) => (
              <li key={key.id} className="flex flex-wrap gap-x-3 text-zinc-600 dark:text-zinc-400">
                <span className="text-zinc-900 line-through dark:text-zinc-100">{key.name}</span>
                <span className="font-mono">{key.prefix}…</span>
                <span>revoked {new Date(key.revoked_at!).toLocaleString()}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

const curlLine = (key: string) =>
  `curl -N -H "Authorization: Bearer ${key}" "${typeof window === 'undefined' ? '' : window.location.origin}/api/stream?q=Hello+World"`;

/** A line of text to copy, wrapped rather than cut off, with its copy button. */
function CopyLine({
  text,
  label,
  copied,
  onCopied,
  testId,
}: {
  text: string;
  label: string;
  copied: boolean;
  onCopied: () => void;
  testId: string;
}) {
  return (
    <div className="flex items-start gap-2">
      <code
        data-testid={testId}
        className="min-w-0 flex-1 rounded bg-white px-2 py-1 font-mono text-xs break-all whitespace-pre-wrap dark:bg-zinc-900"
      >
        {text}
      </code>
      <button
        type="button"
        onClick={() => void navigator.clipboard?.writeText(text).then(onCopied, () => {})}
        className="min-h-11 shrink-0 rounded-md border border-zinc-300 px-3 py-1 dark:border-zinc-700"
      >
        {copied ? 'Copied' : label}
      </button>
    </div>
  );
}
