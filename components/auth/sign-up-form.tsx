'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Field, FormFooter } from './field';
import { refusal, signInWithPassword } from './sign-in';
import { useFormAction } from './use-form-action';

export function SignUpForm() {
  const router = useRouter();
  const { error, pending, submit } = useFormAction(async (form) => {
    const account = {
      name: String(form.get('name') || '') || undefined,
      email: String(form.get('email')),
      password: String(form.get('password')),
    };
    const response = await fetch('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    }).catch(() => undefined);
    const failure = !response
      ? 'The server could not be reached. Check the connection and try again.'
      : !response.ok
        ? await refusal(response)
        : undefined;
    // Sign-up answers the same for a taken email, so signing in is what tells the outcome.
    const outcome =
      failure === undefined ? await signInWithPassword(account.email, account.password) : { ok: false as const, message: failure };
    if (!outcome.ok) {
      return outcome.message === 'That email and password do not match an account.'
        ? 'This email already has an account with another password. Sign in instead.'
        : outcome.message;
    }
    // Straight to the chat: one navigation, not a redirect from `/` raced by a refresh.
    router.replace('/chat');
  });

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Create an account">
      <h1 className="text-2xl font-bold">Create an account</h1>
      <Field label="Name" name="name" autoComplete="name" />
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 12 characters." />
      <FormFooter error={error} pending={pending} label="Create account" pendingLabel="Creating…" />
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Have an account?{' '}
        <Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href="/sign-in">
          Sign in
        </Link>
      </p>
    </form>
  );
}
