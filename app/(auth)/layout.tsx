import type { ReactNode } from 'react';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 px-4 py-8">
      <section aria-label="About Streamwright" className="max-w-sm text-center">
        <p className="text-xl font-bold tracking-tight">Streamwright</p>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Chat with an AI model and watch its answers, tool calls and structured reports stream in as they are written; programs get the
          same streams from its HTTP API.
        </p>
      </section>
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 p-8 shadow-sm dark:border-zinc-800">{children}</div>
    </main>
  );
}
