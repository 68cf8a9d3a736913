'use client';

import Link from 'next/link';
import { SignOutButton } from '../auth/sign-out-button';
import { NavLink } from './nav-link';
import { usePanel } from './use-panel';

const SECTIONS = [
  { href: '/chat', label: 'Chat' },
  { href: '/report', label: 'Report' },
  { href: '/inspector', label: 'Inspector' },
  { href: '/usage', label: 'Usage' },
  { href: '/keys', label: 'API keys' },
  { href: '/account', label: 'Account' },
];

/**
 * Every signed-in page's header: the sections and the user (the pages that run a model pick it
 * themselves). On a phone it is one row, the rest behind a menu button.
 */
export function AppHeader({ email }: { email: string }) {
  const [open, setOpen] = usePanel();

  return (
    <header className="relative flex items-center gap-4 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
      <Link href="/chat" className="font-bold tracking-tight">
        Streamwright
      </Link>
      <nav aria-label="Sections" className="hidden gap-1 text-sm md:flex">
        {SECTIONS.map((section) => (
          <NavLink key={section.href} href={section.href}>
            {section.label}
          </NavLink>
        ))}
      </nav>
      <div className="ml-auto hidden items-center gap-3 text-sm md:flex">
        <span data-testid="signed-in-as">{email}</span>
        <SignOutButton />
      </div>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="phone-menu"
        onClick={() => setOpen(!open)}
        className="ml-auto min-h-11 min-w-11 rounded-md border border-zinc-300 px-3 text-sm md:hidden dark:border-zinc-700"
      >
        {open ? 'Close' : 'Menu'}
      </button>
      {open && (
        <div
          id="phone-menu"
          className="absolute inset-x-0 top-full z-30 space-y-3 border-b border-zinc-200 bg-white p-4 shadow-lg md:hidden dark:border-zinc-800 dark:bg-zinc-950"
        >
          <nav aria-label="Sections" className="grid gap-1">
            {SECTIONS.map((section) => (
              <NavLink key={section.href} href={section.href} large>
                {section.label}
              </NavLink>
            ))}
          </nav>
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <span className="min-w-0 truncate">{email}</span>
            <span className="ml-auto">
              <SignOutButton />
            </span>
          </div>
        </div>
      )}
    </header>
  );
}
