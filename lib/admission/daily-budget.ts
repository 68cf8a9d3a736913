import { forOwner } from '../db/owned';
import { env } from '../env';
import { AppError } from '../errors';

// The daily token budgets: today is the UTC day, a budget of 0 is none. The admission checks
// them; the usage page shows today's spending against them, from the same reading.

/** Today's input and output tokens of the user, when today started and ends, and the budgets. */
export async function spentToday(userId: string) {
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  const spent = await forOwner(userId).tokenUsage.spentSince(midnight);
  return {
    midnight,
    resetsAt: new Date(midnight.getTime() + 86_400_000),
    spent,
    budgets: { input: env.DAILY_INPUT_TOKEN_BUDGET, output: env.DAILY_TOKEN_BUDGET },
  };
}

/** Throws `daily_budget_exceeded` once today's input or output tokens reach their budget, with the wait until midnight. */
export async function checkDailyBudget(userId: string): Promise<void> {
  if (env.DAILY_INPUT_TOKEN_BUDGET === 0 && env.DAILY_TOKEN_BUDGET === 0) return;
  const { spent, budgets, resetsAt } = await spentToday(userId);
  const over = (['input', 'output'] as const).find((kind) => budgets[kind] > 0 && spent[`${kind}Tokens`] >= budgets[kind]);
  if (!over) return;
  throw new AppError('daily_budget_exceeded', `You have spent today's budget of ${budgets[over]} ${over} tokens`, {
    retryAfter: (resetsAt.getTime() - Date.now()) / 1000,
  });
}
