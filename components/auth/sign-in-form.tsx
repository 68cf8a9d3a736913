'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Field, FormFooter } from './field';
import { signInWithPassword } from './sign-in';
import { useFormAction } from './use-form-action';

export function SignInForm() {
  const router = useRouter();
  const searchParams = useSearchParams();
  const callbackUrl = safeCallback(searchParams.get('callbackUrl'));
  const accountDeleted = searchParams.get('account') === 'deleted';
  const { error, pending, submit } = useFormAction(async (form) => {
    const outcome = await signInWithPassword(String(form.get('email')), String(form.get('password')));
    if (!outcome.ok) return outcome.message;
    // One navigation into the signed-in pages (rendered afresh for the new session), not a
    // redirect from `/` raced by a refresh.
    router.replace(callbackUrl);
  });

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Sign in">
      <h1 className="text-2xl font-bold">Sign in</h1>
      {accountDeleted && (
        <p role="status" data-testid="account-deleted" className="rounded-md bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-800">
          Your account has been deleted, with everything in it.
        </p>
      )}
      <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <FormFooter error={error} pending={pending} label="Sign in" pendingLabel="Signing in…" />
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No account?{' '}
        <Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href="/sign-up">
          Create one
        </Link>
      </p>
    </form>
  );
}

/** Only same-site paths: a crafted link must not send a new session elsewhere. */
function safeCallback(url: string | null): string {
  if (!url) return '/chat';
  try {
    const parsed = new URL(url, 'http://local');
    return parsed.origin === 'http://local' || parsed.origin === globalThis.location?.origin
      ? `${parsed.pathname}${parsed.search}`
      : '/chat';
  } catch {
    return '/chat';
  }
}
