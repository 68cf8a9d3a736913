import { useId, type InputHTMLAttributes } from 'react';

/** A labelled input, with an optional hint read with it; the label names it for screen readers and for tests. */
export function Field({ label, hint, ...input }: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const hintId = useId();
  return (
    <label className="block text-sm font-medium">
      {label}
      <input
        {...input}
        aria-describedby={hint ? hintId : undefined}
        className="mt-1 block w-full rounded-md border border-zinc-300 bg-transparent px-3 py-2 text-base outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700"
      />
      {hint && (
        <span id={hintId} className="mt-1 block text-xs font-normal text-zinc-600 dark:text-zinc-400">
          {hint}
        </span>
      )}
    </label>
  );
}

/** A form's error, announced to screen readers, then its submit button. */
export function FormFooter({
  error,
  pending,
  label,
  pendingLabel,
}: {
  error?: string;
  pending: boolean;
  label: string;
  pendingLabel: string;
}) {
  return (
    <>
      {error && (
        <p role="alert" data-testid="form-error" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
      >
        {pending ? pendingLabel : label}
      </button>
    </>
  );
}
