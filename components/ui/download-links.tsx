/**
 * Links that download an export, one per format: plain links with `download`, so the browser
 * saves the file under the name the server gives and the session cookie goes with them.
 */
export function DownloadLinks({ href, what }: { href: string; what: string }) {
  const link =
    'flex min-h-11 items-center rounded-md px-2 text-xs font-medium text-indigo-700 hover:bg-zinc-100 md:min-h-8 dark:text-indigo-400 dark:hover:bg-zinc-800';
  return (
    <div role="group" aria-label={`Download ${what}`} data-testid="download-links" className="flex items-center gap-1">
      <span className="text-xs text-zinc-600 dark:text-zinc-400">Download</span>
      <a href={`${href}?format=markdown`} download aria-label={`Download ${what} as Markdown`} className={link}>
        Markdown
      </a>
      <a href={`${href}?format=json`} download aria-label={`Download ${what} as JSON`} className={link}>
        JSON
      </a>
    </div>
  );
}
