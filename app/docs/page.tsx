import { cookies } from 'next/headers';
import { ApiReference } from '@/components/docs/api-reference';
import { THEME_COOKIE, themeOf } from '@/lib/theme';

export const metadata = { title: 'API reference · Streamwright' };

const link = 'underline underline-offset-2 hover:text-zinc-600 dark:hover:text-zinc-300';

/**
 * The API reference: the OpenAPI document (/api/openapi.json) rendered by Scalar, where "try it"
 * sends requests to this server with an API key. Open to anyone, as the document is. Its links
 * are plain anchors: leaving loads the next page afresh, without the reference's style patch
 * (components/docs/csp-styles.ts).
 */
export default async function DocsPage() {
  const theme = themeOf((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-zinc-200 px-4 py-2 text-sm dark:border-zinc-800">
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a full page load leaves the reference's patch behind */}
        <a href="/" className="font-bold tracking-tight">
          Streamwright
        </a>
        <h1 className="text-zinc-600 dark:text-zinc-400">API reference</h1>
        <nav aria-label="API" className="ml-auto flex gap-4">
          <a href="/api/openapi.json" className={link}>
            openapi.json
          </a>
          <a href="/keys" className={link}>
            API keys
          </a>
        </nav>
      </header>
      <main className="min-h-0 flex-1">
        <ApiReference theme={theme} />
      </main>
    </div>
  );
}
