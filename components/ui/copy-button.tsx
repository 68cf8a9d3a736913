'use client';

import { useState } from 'react';

/** Copies `text()` to the clipboard, then says so for two seconds. */
export function CopyButton({ text, label, className = '' }: { text: () => string; label: string; className?: string }) {
  const [said, setSaid] = useState<'Copied' | 'Copy failed'>();
  const say = (word: 'Copied' | 'Copy failed') => {
    setSaid(word);
    setTimeout(() => setSaid(undefined), 2000);
  };
  return (
    <button
      type="button"
      aria-label={label}
      // The clipboard is there only in a secure context (https or localhost).
      onClick={() =>
        void (navigator.clipboard?.writeText(text()) ?? Promise.reject(new Error('no clipboard'))).then(
          () => say('Copied'),
          () => say('Copy failed'),
        )
      }
      className={`min-h-8 rounded-md px-2 text-xs text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${className}`}
    >
      {said ?? 'Copy'}
    </button>
  );
}
