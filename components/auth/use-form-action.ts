'use client';

import { useState, type FormEvent } from 'react';

/**
 * A form's submit, with its pending state and its error: `act` reads the form and answers the
 * sentence to show when it fails; on success it has navigated away, so the form stays pending.
 */
export function useFormAction(act: (form: FormData) => Promise<string | undefined>) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    const failure = await act(new FormData(event.currentTarget));
    if (failure === undefined) return;
    setPending(false);
    setError(failure);
  }

  return { error, pending, submit };
}
