const STATE_LABEL: Record<string, string> = {
  'input-streaming': 'called',
  'input-available': 'running',
  'output-available': 'result',
  'output-error': 'error',
};

export interface ToolCardProps {
  name: string;
  state: string;
  input: unknown;
  output?: unknown;
  errorText?: string;
}

/** A tool call in a reply: its name, where it is, what it was given and what it returned. */
export function ToolCard({ name, state, input, output, errorText }: ToolCardProps) {
  const label = STATE_LABEL[state] ?? state;
  return (
    <section
      data-testid="tool-card"
      aria-label={`Tool ${name}: ${label}`}
      className="my-2 rounded-lg border border-zinc-200 text-sm dark:border-zinc-700"
    >
      <header className="flex items-center justify-between border-b border-zinc-200 px-3 py-1.5 dark:border-zinc-700">
        <span className="font-mono font-semibold">{name}</span>
        <span
          data-testid="tool-state"
          className={`rounded-full px-2 text-xs ${state === 'output-error' ? 'bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-200' : 'bg-zinc-100 dark:bg-zinc-800'}`}
        >
          {label}
        </span>
      </header>
      <dl className="grid gap-1 px-3 py-2">
        <dt className="text-xs text-zinc-500 dark:text-zinc-400">Input</dt>
        <dd>
          <pre data-testid="tool-input" className="overflow-x-auto font-mono text-xs">
            {input === undefined ? '…' : JSON.stringify(input, null, 2)}
          </pre>
        </dd>
        {state === 'output-available' && (
          <>
            <dt className="text-xs text-zinc-500 dark:text-zinc-400">Result</dt>
            <dd>
              <pre data-testid="tool-output" className="overflow-x-auto font-mono text-xs">
                {JSON.stringify(output, null, 2)}
              </pre>
            </dd>
          </>
        )}
        {state === 'output-error' && (
          <>
            <dt className="text-xs text-zinc-500 dark:text-zinc-400">Error</dt>
            <dd data-testid="tool-error" className="text-red-700 dark:text-red-300">
              {errorText}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
