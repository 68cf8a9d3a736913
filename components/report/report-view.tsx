'use client';

import { useState, type FormEvent } from 'react';
import { DownloadLinks } from '../ui/download-links';
import { ModelBadge } from '../ui/model-badge';
import { ModelPicker } from '../ui/model-picker';
import { PromptForm } from '../ui/prompt-form';
import { submittedField, useLatestRequest } from '../ui/use-latest-request';
import { readSse } from '@/lib/protocols/sse';
import { useJson } from '../ui/use-json';

interface Report {
  title?: string;
  summary?: string;
  key_findings?: string[];
  confidence_score?: number;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'streaming' }
  | { kind: 'complete' }
  | { kind: 'invalid'; issues: Array<{ path: string; message: string }> }
  | { kind: 'failed'; detail: string };

/** A stored report as /api/reports/{id} answers it. */
export interface StoredReport {
  id: string;
  /** Null for reports from before models were kept. */
  model: string | null;
  report: Report | null;
  status: string;
  issues: Array<{ path: string; message: string }> | null;
  error: string | null;
}

function phaseOf(stored: StoredReport): Phase {
  if (stored.status === 'complete') return { kind: 'complete' };
  if (stored.status === 'invalid') return { kind: 'invalid', issues: stored.issues ?? [] };
  return { kind: 'failed', detail: stored.error ? `It ended with ${stored.error}.` : `It ended ${stored.status}.` };
}

interface PastReport {
  id: string;
  topic: string;
  status: string;
  created_at: string;
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Type a topic and watch the research report fill in, field by field; reopen past ones. */
export function ReportView({ initial, models }: { initial?: StoredReport; models: string[] }) {
  /** The model the next report goes to (the default first), and the one that wrote the report on show. */
  const [model, setModel] = useState(models[0] ?? '');
  const [writtenBy, setWrittenBy] = useState(initial?.model ?? undefined);
  const [report, setReport] = useState<Report>(initial?.report ?? {});
  const [phase, setPhase] = useState<Phase>(initial ? phaseOf(initial) : { kind: 'idle' });
  /** The stored report on show, marked in the list. */
  const [shownId, setShownId] = useState(initial?.id);
  const { data, reload: loadPast } = useJson<{ reports: PastReport[] }>('/api/reports');
  const past = data?.reports ?? [];
  const requests = useLatestRequest();

  async function open(id: string) {
    requests.abort();
    const response = await fetch(`/api/reports/${encodeURIComponent(id)}`);
    if (!response.ok) return;
    const stored = (await response.json()) as StoredReport;
    setShownId(stored.id);
    setWrittenBy(stored.model ?? undefined);
    setReport(stored.report ?? {});
    setPhase(phaseOf(stored));
  }

  async function start(event: FormEvent<HTMLFormElement>) {
    const topic = submittedField(event, 'topic');
    if (!topic) return;
    const signal = requests.next();
    setReport({});
    setShownId(undefined);
    setWrittenBy(undefined);
    setPhase({ kind: 'streaming' });
    try {
      const response = await fetch('/api/ui/report', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic, debounce_ms: 50, model }),
        signal,
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { detail?: string };
        return setPhase({ kind: 'failed', detail: body.detail ?? `The request failed (${response.status}).` });
      }
      setShownId(response.headers.get('x-report-id') ?? undefined);
      setWrittenBy(response.headers.get('x-streamwright-model') ?? undefined);
      for await (const frame of readSse(response)) {
        if (frame.event === undefined) setReport(frame.data as Report);
        else if (frame.event === 'result') {
          setReport(frame.data as Report);
          setPhase({ kind: 'complete' });
        } else if (frame.event === 'error') {
          const failure = frame.data as { error: string; detail: string; issues?: Array<{ path: string; message: string }> };
          setPhase(
            failure.error === 'validation' ? { kind: 'invalid', issues: failure.issues ?? [] } : { kind: 'failed', detail: failure.detail },
          );
        }
      }
    } catch (error) {
      if (!signal.aborted) setPhase({ kind: 'failed', detail: (error as Error).message });
    } finally {
      loadPast();
    }
  }

  const confidence = report.confidence_score;
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-6 p-4 md:flex-row">
      <div className="min-w-0 flex-1 space-y-4">
        <header className="space-y-1">
          <h1 className="text-2xl font-bold">Research report</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Give a topic: the model writes a structured brief, and each field fills in as it arrives, then the whole is checked against the
            report&apos;s schema.
          </p>
        </header>
        <PromptForm
          title="New report"
          name="topic"
          label="Topic"
          placeholder="A topic, e.g. Tidal energy"
          action="Write report"
          busyAction="Writing…"
          busy={phase.kind === 'streaming'}
          onSubmit={start}
        />
        <ModelPicker models={models} value={model} onChange={setModel} disabled={phase.kind === 'streaming'} />

        <article
          data-testid="report"
          data-phase={phase.kind}
          aria-busy={phase.kind === 'streaming'}
          className="space-y-4 rounded-xl border border-zinc-200 p-5 dark:border-zinc-800"
        >
          <div className="flex items-start justify-between gap-3">
            <h2 data-testid="report-title" className="text-xl font-bold">
              {report.title ?? (phase.kind === 'streaming' ? 'Writing…' : 'No report yet')}
            </h2>
            {phase.kind === 'complete' && (
              <span
                data-testid="report-validated"
                className="shrink-0 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-200"
              >
                ✓ Validated
              </span>
            )}
          </div>
          {shownId && phase.kind !== 'streaming' && phase.kind !== 'idle' && (
            <DownloadLinks href={`/api/reports/${encodeURIComponent(shownId)}/export`} what="this report" />
          )}
          {report.summary !== undefined && <p data-testid="report-summary">{report.summary}</p>}
          {report.key_findings && report.key_findings.length > 0 && (
            <section>
              <h2 className="text-sm font-semibold text-zinc-500 dark:text-zinc-400">Key findings</h2>
              <ul data-testid="report-findings" className="mt-1 list-disc space-y-1 pl-5">
                {report.key_findings.map((finding, i) => (
                  <li key={i}>{finding}</li>
                ))}
              </ul>
            </section>
          )}
          {confidence !== undefined && (
            <label className="block text-sm">
              Confidence: {Math.round(confidence * 100)}%
              <meter
                data-testid="report-confidence"
                min={0}
                max={1}
                low={0.4}
                high={0.75}
                optimum={1}
                value={confidence}
                className="mt-1 block w-full"
              />
            </label>
          )}
          {phase.kind === 'invalid' && (
            <div
              role="alert"
              data-testid="report-invalid"
              className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
            >
              <p className="font-semibold">The final report does not match the schema:</p>
              <ul className="list-disc pl-5">
                {phase.issues.map((issue, i) => (
                  <li key={i}>
                    <code>{issue.path || '(whole report)'}</code>: {issue.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {writtenBy && (
            <p data-testid="report-model" className="flex items-center gap-1 text-xs text-zinc-500 dark:text-zinc-400">
              Written by <ModelBadge model={writtenBy} />
            </p>
          )}
          {phase.kind === 'failed' && (
            <p role="alert" data-testid="report-failed" className="text-sm text-red-700 dark:text-red-300">
              {phase.detail}
            </p>
          )}
        </article>
      </div>

      <nav aria-label="Past reports" className="md:w-64">
        <h2 className="mb-2 text-sm font-semibold text-zinc-500 dark:text-zinc-400">Past reports</h2>
        <ul data-testid="past-reports" className="space-y-1 text-sm">
          {past.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                onClick={() => void open(item.id)}
                aria-current={item.id === shownId ? 'true' : undefined}
                className="w-full rounded-md px-2 py-1 text-left hover:bg-zinc-100 aria-[current=true]:bg-zinc-100 dark:hover:bg-zinc-800 dark:aria-[current=true]:bg-zinc-800"
              >
                <span className="block truncate">{item.topic}</span>
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                  {item.status} · <time dateTime={item.created_at}>{when(item.created_at)}</time>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}
