'use client';

import { useMemo, useRef, type FormEvent } from 'react';

/** One request at a time: starting the next aborts the one before it. */
export function useLatestRequest() {
  const current = useRef<AbortController | null>(null);
  return useMemo(
    () => ({
      /** Aborts the request before, and gives the signal of the next. */
      next(): AbortSignal {
        current.current?.abort();
        current.current = new AbortController();
        return current.current.signal;
      },
      abort(): void {
        current.current?.abort();
      },
    }),
    [],
  );
}

/** The text of a submitted form's field, trimmed; the browser's own submit is cancelled. */
export function submittedField(event: FormEvent<HTMLFormElement>, name: string): string {
  event.preventDefault();
  return String(new FormData(event.currentTarget).get(name) ?? '').trim();
}
