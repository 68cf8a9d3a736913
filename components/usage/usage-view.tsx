'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageReport } from '@/lib/http/usage-report';
import { useJson } from '../ui/use-json';

// The chart's colours, one pair (input, output) per model in the order the models first appear.
const COLOURS = [
  ['#6366f1', '#a5b4fc'],
  ['#10b981', '#6ee7b7'],
  ['#f59e0b', '#fcd34d'],
  ['#ec4899', '#f9a8d4'],
  ['#0ea5e9', '#7dd3fc'],
];

const number = new Intl.NumberFormat('en');

/**
 * What the signed-in user spent: tokens per day and model over the last 30 days (a chart, and
 * the same figures in a table), today's tokens against the daily budgets, and runs by outcome.
 * The chart is drawn in the browser only, after the figures arrive.
 */
export function UsageView() {
  const { data } = useJson<UsageReport>('/api/usage');

  return (
    <div className="h-full overflow-y-auto">
      <div data-testid="usage" className="mx-auto max-w-4xl space-y-8 p-4">
        <div>
          <h1 className="text-2xl font-bold">Usage</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Your tokens over the last 30 days (UTC days){data && `, since ${data.since}`}.
          </p>
        </div>
        {data ? <Report report={data} /> : <p className="text-sm text-zinc-500">Loading…</p>}
      </div>
    </div>
  );
}

function Report({ report }: { report: UsageReport }) {
  const models = [...new Set(report.days.flatMap((day) => day.models.map((entry) => entry.model)))];
  const chartData = report.days.map((day) => ({
    date: day.date.slice(5),
    ...Object.fromEntries(
      day.models.flatMap((entry) => [
        [`${entry.model} in`, entry.input_tokens],
        [`${entry.model} out`, entry.output_tokens],
      ]),
    ),
  }));
  const active = report.days.filter((day) => day.runs > 0);

  return (
    <>
      <section aria-labelledby="today-heading" className="space-y-3">
        <h2 id="today-heading" className="text-lg font-semibold">
          Today ({report.today.date})
        </h2>
        <div className="grid gap-3 sm:grid-cols-2">
          <Budget testId="today-input" label="Input tokens" spent={report.today.input_tokens} budget={report.today.budget.input_tokens} />
          <Budget
            testId="today-output"
            label="Output tokens"
            spent={report.today.output_tokens}
            budget={report.today.budget.output_tokens}
          />
        </div>
      </section>

      <section aria-labelledby="runs-heading" className="space-y-3">
        <h2 id="runs-heading" className="text-lg font-semibold">
          Runs by outcome
        </h2>
        <dl data-testid="runs-by-outcome" className="grid grid-cols-3 gap-3">
          {(['complete', 'stopped', 'failed'] as const).map((outcome) => (
            <div key={outcome} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
              <dt className="text-sm text-zinc-500 capitalize dark:text-zinc-400">{outcome}</dt>
              <dd data-testid={`runs-${outcome}`} className="text-2xl font-semibold tabular-nums">
                {number.format(report.runs[outcome])}
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="daily-heading" className="space-y-3">
        <h2 id="daily-heading" className="text-lg font-semibold">
          Tokens per day and model
        </h2>
        {/* The chart is for the eye; the table below holds the same figures for everyone, so the chart
            takes no keyboard focus (recharts' accessibility layer off) and is hidden from screen readers. */}
        <div data-testid="usage-chart" aria-hidden="true" className="h-72 w-full text-zinc-500 dark:text-zinc-400">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart accessibilityLayer={false} data={chartData} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.2} vertical={false} />
              <XAxis dataKey="date" tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" minTickGap={16} />
              <YAxis tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" width={56} allowDecimals={false} />
              <Tooltip cursor={{ fillOpacity: 0.1 }} />
              <Legend
                wrapperStyle={{ fontSize: 12 }}
                formatter={(value: string) => <span className="text-zinc-700 dark:text-zinc-300">{value}</span>}
              />
              {models.flatMap((model, index) => {
                const [input, output] = COLOURS[index % COLOURS.length]!;
                return [
                  <Bar key={`${model} in`} dataKey={`${model} in`} stackId="in" fill={input} isAnimationActive={false} />,
                  <Bar key={`${model} out`} dataKey={`${model} out`} stackId="out" fill={output} isAnimationActive={false} />,
                ];
              })}
            </BarChart>
          </ResponsiveContainer>
        </div>
        {active.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">No runs in these 30 days.</p>
        ) : (
          <table data-testid="usage-table" className="w-full text-left text-sm tabular-nums">
            <caption className="sr-only">Tokens per day and model, the days with runs</caption>
            <thead className="text-zinc-500 dark:text-zinc-400">
              <tr>
                <th className="py-1 font-medium">Day</th>
                <th className="py-1 font-medium">Model</th>
                <th className="py-1 text-right font-medium">Runs</th>
                <th className="py-1 text-right font-medium">Input</th>
                <th className="py-1 text-right font-medium">Output</th>
              </tr>
            </thead>
            <tbody>
              {active.flatMap((day) =>
                day.models.map((entry) => (
                  <tr
                    key={`${day.date} ${entry.model}`}
                    data-testid="usage-row"
                    data-date={day.date}
                    data-model={entry.model}
                    className="border-t border-zinc-200 dark:border-zinc-800"
                  >
                    <td className="py-1">{day.date}</td>
                    <td className="py-1 break-all">{entry.model}</td>
                    <td className="py-1 text-right" data-testid="usage-runs">
                      {number.format(entry.runs)}
                    </td>
                    <td className="py-1 text-right" data-testid="usage-input">
                      {number.format(entry.input_tokens ?? 0)}
                    </td>
                    <td className="py-1 text-right" data-testid="usage-output">
                      {number.format(entry.output_tokens ?? 0)}
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function Budget({ testId, label, spent, budget }: { testId: string; label: string; spent: number; budget: number | null }) {
  return (
    <div data-testid={testId} className="space-y-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="flex items-baseline justify-between gap-2">
        <span className="text-sm text-zinc-500 dark:text-zinc-400">{label}</span>
        <span className="tabular-nums">
          <span data-testid={`${testId}-spent`} className="text-xl font-semibold">
            {number.format(spent)}
          </span>
          <span className="text-sm text-zinc-500 dark:text-zinc-400">
            {budget === null ? ' (no daily budget)' : ` of ${number.format(budget)}`}
          </span>
        </span>
      </div>
      {budget !== null && (
        <progress
          value={Math.min(spent, budget)}
          max={budget}
          aria-label={`${label}: ${spent} of today's ${budget}`}
          className="h-2 w-full appearance-none overflow-hidden rounded-full [&::-moz-progress-bar]:bg-indigo-600 [&::-webkit-progress-bar]:bg-zinc-200 dark:[&::-webkit-progress-bar]:bg-zinc-800 [&::-webkit-progress-value]:bg-indigo-600"
        />
      )}
    </div>
  );
}
