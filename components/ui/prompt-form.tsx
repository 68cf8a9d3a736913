'use client';

import type { FormEvent } from 'react';

interface PromptFormProps {
  /** The form's accessible name. */
  title: string;
  /** The field's name and its (visually hidden) label. */
  name: string;
  label: string;
  placeholder: string;
  /** The button's words, and its words while the request runs (the button is disabled then). */
  action: string;
  busyAction: string;
  busy: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}

/** One line of text and a button: what the report page and the inspector start a run with. */
export function PromptForm({ title, name, label, placeholder, action, busyAction, busy, onSubmit }: PromptFormProps) {
  return (
    <form onSubmit={onSubmit} className="flex gap-2" aria-label={title}>
      <label htmlFor={name} className="sr-only">
        {label}
      </label>
      <input
        id={name}
        name={name}
        required
        maxLength={2000}
        placeholder={placeholder}
        className="flex-1 rounded-md border border-zinc-300 bg-transparent px-3 py-2 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700"
      />
      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
      >
        {busy ? busyAction : action}
      </button>
    </form>
  );
}
