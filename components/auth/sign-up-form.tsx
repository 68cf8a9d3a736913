'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { Field, FormFooter } from './field';

export function SignUpForm() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    const form = new FormData(event.currentTarget);
    const account = { name: String(form.get('name') || '') || undefined, email: String(form.get('email')), password: String(form.get('password')) };
    const response = await fetch('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { detail?: string };
      setPending(false);
      setError(body.detail ?? 'The account could not be created.');
      return;
    }
    // Sign-up answers the same for a taken email, so signing in is what tells the outcome.
    const signedIn = await signIn('credentials', { email: account.email, password: account.password, redirect: false });
    if (!signedIn?.ok) {
      setPending(false);
      setError('This email already has an account with another password. Sign in instead.');
      return;
    }
    router.replace('/');
    router.refresh();
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Create an account">
      <h1 className="text-2xl font-bold">Create an account</h1>
      <Field label="Name" name="name" autoComplete="name" />
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="new-password" minLength={8} required />
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
