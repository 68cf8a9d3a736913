'use client';

import { useCallback, useEffect, useState } from 'react';

/** GETs a JSON API route; `reload()` fetches it again (after a change the page made). */
export function useJson<T>(url: string): { data: T | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    fetch(url)
      .then((response) => (response.ok ? (response.json() as Promise<T>) : undefined))
      .then((body) => {
        if (live && body !== undefined) setData(body);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [url, version]);
  return { data, reload: useCallback(() => setVersion((v) => v + 1), []) };
}
