'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

/** A section link, marked as the current page when it is; `large` for a finger (44 px). */
export function NavLink({ href, children, large = false }: { href: string; children: ReactNode; large?: boolean }) {
  const active = usePathname().startsWith(href);
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      className={`rounded-md px-2 ${large ? 'flex min-h-11 items-center text-base' : 'py-1'} ${active ? 'bg-zinc-100 font-semibold dark:bg-zinc-800' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
    >
      {children}
    </Link>
  );
}
