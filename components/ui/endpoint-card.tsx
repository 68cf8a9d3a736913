export interface EndpointCardProps {
  path: string;
  summary: string;
  example: string;
}

/** One API endpoint: what it streams and a query that opens it in the browser. */
export function EndpointCard({ path, summary, example }: EndpointCardProps) {
  return (
    <li className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <a className="font-mono text-sm font-semibold text-indigo-600 hover:underline dark:text-indigo-400" href={example}>
        {path}
      </a>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{summary}</p>
    </li>
  );
}
