'use client';

import { useRouter } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { THEME_COOKIE, themeClass, THEMES, type Theme } from '@/lib/theme';
import { Field } from '../auth/field';
import { refusal } from '../auth/sign-in';
import { useDialogs } from '../ui/dialogs';

/** What to show for a refused request: `wrong` when the server refused the password in `field`, else what it said. */
async function refusedSentence(response: Response | undefined, field: string, wrong: string): Promise<string> {
  if (!response) return 'The server could not be reached. Check the connection and try again.';
  const body = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { field?: string };
  return body.field === field ? wrong : refusal(response);
}

/** The account: the theme, the password, every signed-in browser, and deleting it all. */
export function AccountView({ email, theme }: { email: string; theme: Theme }) {
  return (
    <div data-testid="account" className="mx-auto max-w-3xl space-y-6 p-4">
      <div>
        <h1 className="text-2xl font-bold">Account</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Signed in as <span className="font-medium text-zinc-900 dark:text-zinc-100">{email}</span>
        </p>
      </div>
      <ThemeChoice initial={theme} />
      <PasswordForm />
      <SignOutEverywhere />
      <DeleteAccount />
    </div>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-3 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

const THEME_LABELS: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };
const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * System, light or dark. Applied at once by the class on <html>, and kept in a cookie that the
 * root layout reads, so every later page arrives in the same colours.
 */
function ThemeChoice({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState(initial);

  function choose(next: Theme) {
    setTheme(next);
    applyTheme(next);
  }

  return (
    <Section id="theme-heading" title="Theme">
      <div role="radiogroup" aria-labelledby="theme-heading" className="flex flex-wrap gap-2">
        {THEMES.map((option) => (
          <label
            key={option}
            className="flex min-h-11 cursor-pointer items-center gap-2 rounded-md border border-zinc-300 px-4 text-sm has-checked:border-indigo-500 has-checked:bg-indigo-50 has-checked:font-semibold has-focus-visible:ring-2 has-focus-visible:ring-indigo-500/40 dark:border-zinc-700 dark:has-checked:border-indigo-400 dark:has-checked:bg-indigo-950"
          >
            <input
              type="radio"
              name="theme"
              value={option}
              checked={theme === option}
              onChange={() => choose(option)}
              className="accent-indigo-600"
            />
            {THEME_LABELS[option]}
          </label>
        ))}
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">System follows your device’s light or dark setting.</p>
    </Section>
  );
}

/** The page's class and the cookie, for this page now and for every page from now on. */
function applyTheme(theme: Theme) {
  const root = document.documentElement;
  root.classList.remove('light', 'dark');
  const chosen = themeClass(theme);
  if (chosen) root.classList.add(chosen);
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = chosen
    ? `${THEME_COOKIE}=${chosen}; Path=/; Max-Age=${YEAR_SECONDS}; SameSite=Lax${secure}`
    : `${THEME_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax${secure}`;
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
    setOutcome({ ok: false, text: await refusedSentence(response, 'current_password', 'The current password is not right.') });
  }

  return (
    <Section id="password-heading" title="Password">
      <form onSubmit={change} className="max-w-sm space-y-3" aria-label="Change password">
        <Field label="Current password" name="current_password" type="password" autoComplete="current-password" required />
        <Field
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          maxLength={200}
          required
          hint="At least 12 characters. Every other browser is signed out."
        />
        {outcome && (
          <p
            role={outcome.ok ? 'status' : 'alert'}
            data-testid="password-outcome"
            className={outcome.ok ? 'text-sm text-emerald-700 dark:text-emerald-400' : 'text-sm text-red-600 dark:text-red-400'}
          >
            {outcome.text}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          className="min-h-11 rounded-md border border-zinc-300 px-4 text-sm hover:border-indigo-400 disabled:opacity-60 dark:border-zinc-700"
        >
          {pending ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </Section>
  );
}

/** Ends every browser session of the account's, this one too, after a confirmation. */
function SignOutEverywhere() {
  const dialogs = useDialogs();
  const router = useRouter();

  async function signOutEverywhere() {
    const sure = await dialogs.confirm({
      title: 'Sign out everywhere?',
      body: 'Every browser you are signed in on is signed out, this one too. API keys keep working.',
      confirmLabel: 'Sign out everywhere',
      danger: true,
    });
    if (!sure) return;
    const response = await fetch('/api/me/sign-out-everywhere', { method: 'POST' });
    if (!response.ok) return;
    await signOut({ redirect: false });
    router.replace('/sign-in');
    router.refresh();
  }

  return (
    <Section id="browsers-heading" title="Signed-in browsers">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Ends the session of every browser you are signed in on, this one too. API keys keep working.
      </p>
      <button
        type="button"
        onClick={() => void signOutEverywhere()}
        className="min-h-11 rounded-md border border-red-300 px-4 text-sm text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950"
      >
        Sign out everywhere
      </button>
    </Section>
  );
}

/** Deletes the account and everything in it, once its password is given in a dialog. */
function DeleteAccount() {
  const dialogs = useDialogs();
  const router = useRouter();
  const [error, setError] = useState<string>();

  async function deleteAccount() {
    setError(undefined);
    const password = await dialogs.ask({
      title: 'Delete your account?',
      body: 'Your chats, reports, API keys and usage are deleted for good, and every browser and program signed in as you is signed out. Enter your password to confirm.',
      confirmLabel: 'Delete account',
      danger: true,
      field: { label: 'Password', type: 'password', maxLength: 200 },
    });
    if (password === undefined) return;
    const response = await fetch('/api/me', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
    }).catch(() => undefined);
    if (response?.ok) {
      // The answer cleared the session cookie.
      router.replace('/sign-in?account=deleted');
      router.refresh();
      return;
    }
    setError(await refusedSentence(response, 'password', 'That is not your password. Nothing was deleted.'));
  }

  return (
    <Section id="delete-heading" title="Delete account">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Deletes your chats, reports, API keys and usage for good. It cannot be undone.
      </p>
      {error && (
        <p role="alert" data-testid="delete-outcome" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="button"
        onClick={() => void deleteAccount()}
        className="min-h-11 rounded-md bg-red-600 px-4 text-sm font-semibold text-white hover:bg-red-500"
      >
        Delete account…
      </button>
    </Section>
  );
}
