'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';

/**
 * Open and closed for a menu or drawer: it stays open on the page it was opened on (following
 * one of its links closes it), and Escape closes it. Escape is taken in the capture phase and
 * marked as handled, so it closes the panel and nothing else (the chat does not stop its reply).
 */
export function usePanel(): [open: boolean, setOpen: (open: boolean) => void] {
  const pathname = usePathname();
  const [openOn, setOpenOn] = useState<string>();
  const open = openOn === pathname;
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      setOpenOn(undefined);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);
  return [open, (value) => setOpenOn(value ? pathname : undefined)];
}
