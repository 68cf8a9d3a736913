'use client';

import { createContext, useCallback, useContext, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';

// In-app dialogs in place of the browser's `confirm` and `prompt`. A native <dialog> opened
// with showModal(): the rest of the page is inert (focus stays inside), Escape closes it, and
// focus returns to what had it.

interface Asked {
  title: string;
  body?: string;
  confirmLabel: string;
  /** A destructive action: the confirm button is red. */
  danger?: boolean;
  /** When set, the dialog asks for text: this labels the field. */
  field?: { label: string; value?: string; type?: 'text' | 'password'; maxLength?: number };
}

interface Dialogs {
  /** Resolves true when confirmed, false when cancelled. */
  confirm(options: Omit<Asked, 'field'>): Promise<boolean>;
  /** Resolves the text entered (not empty; trimmed, but a password as typed), or undefined when cancelled. */
  ask(options: Asked & { field: NonNullable<Asked['field']> }): Promise<string | undefined>;
}

const DialogContext = createContext<Dialogs | undefined>(undefined);

export function useDialogs(): Dialogs {
  const dialogs = useContext(DialogContext);
  if (!dialogs) throw new Error('useDialogs needs a <DialogProvider> above it');
  return dialogs;
}

export function DialogProvider({ children }: { children: ReactNode }) {
  // `round` keys the dialog, so each question gets a dialog of its own (opened afresh).
  const [asked, setAsked] = useState<Asked & { round: number }>();
  const answer = useRef<(value: string | false) => void>(undefined);
  const rounds = useRef(0);

  const open = useCallback(
    (options: Asked) =>
      new Promise<string | false>((resolve) => {
        answer.current?.(false);
        answer.current = resolve;
        setAsked({ ...options, round: ++rounds.current });
      }),
    [],
  );
  const dialogs: Dialogs = {
    confirm: async (options) => (await open(options)) !== false,
    ask: async (options) => {
      const value = await open(options);
      if (value === false || value.trim() === '') return undefined;
      return options.field.type === 'password' ? value : value.trim();
    },
  };

  // Once per question: a dialog can also close without a cancel event (the browser's own close
  // requests), and that too is a cancel.
  const settle = (value: string | false) => {
    const resolve = answer.current;
    answer.current = undefined;
    setAsked(undefined);
    resolve?.(value);
  };

  return (
    <DialogContext.Provider value={dialogs}>
      {children}
      {asked && <ModalDialog key={asked.round} asked={asked} onSettle={settle} />}
    </DialogContext.Provider>
  );
}

function ModalDialog({ asked, onSettle }: { asked: Asked; onSettle: (value: string | false) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    const before = document.activeElement as HTMLElement | null;
    element?.showModal();
    // After showModal (which focuses the first control): the field, or the action to confirm.
    element?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => before?.focus();
  }, []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSettle(asked.field ? String(new FormData(event.currentTarget).get('value') ?? '') : 'yes');
  }

  return (
    <dialog
      ref={dialog}
      aria-labelledby="dialog-title"
      aria-describedby={asked.body ? 'dialog-body' : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onSettle(false);
      }}
      onClose={() => onSettle(false)}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form onSubmit={submit} className="space-y-4 p-5">
        <h2 id="dialog-title" className="text-lg font-semibold">
          {asked.title}
        </h2>
        {asked.body && (
          <p id="dialog-body" className="text-sm text-zinc-600 dark:text-zinc-400">
            {asked.body}
          </p>
        )}
        {asked.field && (
          <label className="block text-sm font-medium">
            {asked.field.label}
            <input
              name="value"
              type={asked.field.type ?? 'text'}
              defaultValue={asked.field.value}
              maxLength={asked.field.maxLength}
              autoComplete={asked.field.type === 'password' ? 'current-password' : undefined}
              required
              data-autofocus
              className="mt-1 block w-full rounded-md border border-zinc-300 bg-transparent px-3 py-2 text-base outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700"
            />
          </label>
        )}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={() => onSettle(false)}
            className="min-h-11 rounded-md border border-zinc-300 px-4 py-2 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Cancel
          </button>
          <button
            type="submit"
            data-autofocus={asked.field ? undefined : true}
            className={`min-h-11 rounded-md px-4 py-2 text-sm font-semibold text-white ${asked.danger ? 'bg-red-600 hover:bg-red-500' : 'bg-indigo-600 hover:bg-indigo-500'}`}
          >
            {asked.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
