'use client';

import { useState, type FormEvent } from 'react';
import { PromptForm } from '../ui/prompt-form';
import { submittedField, useLatestRequest } from '../ui/use-latest-request';
import { readSse, type Frame } from '@/lib/protocols/sse';

interface Row {
  at: number;
  label: string;
  detail: string;
}

/** A live timeline of one run's events, each with its time since the request was sent. */
export function Inspector() {
  const [rows, setRows] = useState<Row[]>([]);
  const [running, setRunning] = useState(false);
  const requests = useLatestRequest();

  async function run(event: FormEvent<HTMLFormElement>) {
    const prompt = submittedField(event, 'prompt');
    if (!prompt) return;
    const signal = requests.next();
    setRows([]);
    setRunning(true);
    const started = performance.now();
    const add = (label: string, detail: string) => setRows((previous) => [...previous, { at: performance.now() - started, label, detail }]);
    try {
      const response = await fetch(`/api/stream/events?${new URLSearchParams({ q: prompt })}`, { signal });
      add('response', `HTTP ${response.status}`);
      if (!response.ok) add('error', JSON.stringify(await response.json()));
      else for await (const frame of readSse(response)) add(...describe(frame));
    } catch (error) {
      if (!signal.aborted) add('error', (error as Error).message);
    } finally {
      setRunning(false);
    }
  }

  const firstToken = rows.find((row) => row.label === 'text_delta');
  const done = rows.find((row) => row.label === 'done');
  return (
    <div className="mx-auto max-w-4xl space-y-4 p-4">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">Inspector</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Runs a prompt and shows every event of its stream as it arrives (text, tool calls and results, usage), with the time each came, as
          a program calling the API sees it.
        </p>
      </header>
      <PromptForm
        title="Inspect a run"
        name="prompt"
        label="Prompt"
        placeholder="A prompt, e.g. What is the price of a desk lamp?"
        action="Run"
        busyAction="Running…"
        busy={running}
        onSubmit={run}
      />
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="inspector-summary">
        Time to first token: <strong>{firstToken ? `${firstToken.at.toFixed(0)} ms` : '—'}</strong> · Total:{' '}
        <strong>{done ? `${done.at.toFixed(0)} ms` : '—'}</strong> · Events: <strong>{rows.length}</strong>
      </p>
      <ol
        data-testid="timeline"
        aria-label="Run events"
        tabIndex={0}
        className="max-h-[65vh] overflow-y-auto rounded-lg border border-zinc-200 font-mono text-xs dark:border-zinc-800"
      >
        {rows.map((row, i) => (
          // Each event opens to its whole data, wrapped; closed, a line (on a phone, two).
          <li key={i} className="border-b border-zinc-100 last:border-0 dark:border-zinc-900">
            <details data-testid="event">
              <summary className="grid cursor-pointer list-none grid-cols-[5rem_1fr] gap-x-2 px-3 py-1 hover:bg-zinc-50 sm:grid-cols-[5rem_8rem_1fr] dark:hover:bg-zinc-900">
                <span className="text-right tabular-nums text-zinc-600 dark:text-zinc-400">{row.at.toFixed(1)} ms</span>
                <span data-testid="event-label" className="font-semibold">
                  {row.label}
                </span>
                <span className="col-span-2 truncate sm:col-span-1">{row.detail}</span>
              </summary>
              <pre data-testid="event-detail" className="px-3 pt-1 pb-2 break-all whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">
                {pretty(row.detail)}
              </pre>
            </details>
          </li>
        ))}
      </ol>
    </div>
  );
}

function describe(frame: Frame): [string, string] {
  const data = frame.data as Record<string, unknown>;
  if (frame.event) return [frame.event, JSON.stringify(data)];
  const { type, ...rest } = data;
  return [String(type ?? 'data'), JSON.stringify(rest)];
}

/** The event's data indented for reading, when it is JSON. */
function pretty(detail: string): string {
  try {
    return JSON.stringify(JSON.parse(detail), null, 2);
  } catch {
    return detail;
  }
}
