'use client';

import { useState } from 'react';

/** Copies `text()` to the clipboard, then says so for two seconds. */
export function CopyButton({ text, label, className = '' }: { text: () => string; label: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      onClick={() =>
        void navigator.clipboard.writeText(text()).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        })
      }
      className={`min-h-8 rounded-md px-2 text-xs text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${className}`}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
