import { usageJson } from '../ai/usage';
import { spentToday } from '../admission/daily-budget';
import { forOwner } from '../db/owned';
import type { RunOutcome } from '../db/usage';

// What a user spent lately, as GET /api/usage answers and the usage page draws it: tokens per UTC
// day and model over the last 30 days, today's spending against the daily budgets, and the runs
// of those days by how they ended.

export const USAGE_DAYS = 30;

interface RunRow {
  model: string;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  createdAt: Date;
}

interface Tally {
  runs: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

const OUTCOMES: readonly RunOutcome[] = ['complete', 'stopped', 'failed'];
const dayOf = (time: Date) => time.toISOString().slice(0, 10);
const tallyJson = (tally: Tally) => ({ runs: tally.runs, ...usageJson(tally) });

function add(tally: Tally | undefined, row: RunRow): Tally {
  return {
    runs: (tally?.runs ?? 0) + 1,
    inputTokens: (tally?.inputTokens ?? 0) + row.inputTokens,
    outputTokens: (tally?.outputTokens ?? 0) + row.outputTokens,
    totalTokens: (tally?.totalTokens ?? 0) + row.totalTokens,
  };
}

/** The first UTC day of the window that ends with `today` (its midnight). */
function windowStart(today: Date): Date {
  return new Date(today.getTime() - (USAGE_DAYS - 1) * 86_400_000);
}

/** Each day of the window, oldest first (empty days too), with its totals and its models'; and the runs by outcome. */
export function summarize(rows: readonly RunRow[], today: Date) {
  const start = windowStart(today);
  const byDay = new Map<string, Map<string, Tally>>();
  for (let day = 0; day < USAGE_DAYS; day++) byDay.set(dayOf(new Date(start.getTime() + day * 86_400_000)), new Map());
  const outcomes = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<RunOutcome, number>;
  for (const row of rows) {
    const models = byDay.get(dayOf(row.createdAt));
    if (!models) continue;
    models.set(row.model, add(models.get(row.model), row));
    // A value this version does not know counts as complete, as rows from before outcomes were kept do.
    const outcome = OUTCOMES.includes(row.outcome as RunOutcome) ? (row.outcome as RunOutcome) : 'complete';
    outcomes[outcome]++;
  }
  const days = [...byDay].map(([date, models]) => {
    const total = [...models.values()].reduce<Tally>(
      (sum, tally) => ({
        runs: sum.runs + tally.runs,
        inputTokens: sum.inputTokens + tally.inputTokens,
        outputTokens: sum.outputTokens + tally.outputTokens,
        totalTokens: sum.totalTokens + tally.totalTokens,
      }),
      { runs: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    );
    const perModel = [...models].sort(([a], [b]) => a.localeCompare(b)).map(([model, tally]) => ({ model, ...tallyJson(tally) }));
    return { date, ...tallyJson(total), models: perModel };
  });
  return { days, runs: outcomes };
}

/** The user's usage report; another user's runs never count. */
export async function usageReport(userId: string) {
  const today = await spentToday(userId);
  const rows = await forOwner(userId).tokenUsage.runsSince(windowStart(today.midnight));
  const { days, runs } = summarize(rows, today.midnight);
  const budget = (limit: number) => (limit > 0 ? limit : null);
  return {
    since: dayOf(windowStart(today.midnight)),
    days,
    today: {
      date: dayOf(today.midnight),
      input_tokens: today.spent.inputTokens,
      output_tokens: today.spent.outputTokens,
      // 0 in the settings is no budget: null here.
      budget: { input_tokens: budget(today.budgets.input), output_tokens: budget(today.budgets.output) },
      resets_at: today.resetsAt.toISOString(),
    },
    runs,
  };
}

export type UsageReport = Awaited<ReturnType<typeof usageReport>>;
