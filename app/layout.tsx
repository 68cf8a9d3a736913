import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
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
  return (
    <html lang="en">
      <body className="min-h-screen bg-white font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        {children}
      </body>
    </html>
  );
}
