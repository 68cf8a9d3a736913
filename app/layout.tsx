import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { THEME_COOKIE, themeClass, themeOf } from '@/lib/theme';
import './globals.css';

export const metadata: Metadata = {
  title: 'Streamwright',
  description: 'AI model output, streamed as it is generated.',
  icons: { icon: '/favicon.svg' },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, sign-in and sign-up included: its scripts must carry the
  // nonce of that request's Content-Security-Policy (proxy.ts), which a page built ahead cannot.
  await connection();
  const theme = themeOf((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" className={themeClass(theme)}>
      <body className="min-h-screen bg-white font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">{children}</body>
    </html>
  );
}
