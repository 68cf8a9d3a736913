import { forOwner } from '../db/owned';
import { env } from '../env';
import { AppError } from '../errors';

/**
 * Throws `daily_budget_exceeded` once today's input or output tokens reach their budget (UTC
 * days; a budget of 0 is none), with the wait until midnight.
 */
export async function checkDailyBudget(userId: string): Promise<void> {
  const budgets = { input: env.DAILY_INPUT_TOKEN_BUDGET, output: env.DAILY_TOKEN_BUDGET };
  if (budgets.input === 0 && budgets.output === 0) return;
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  const spent = await forOwner(userId).tokenUsage.spentSince(midnight);
  const over = (['input', 'output'] as const).find((kind) => budgets[kind] > 0 && spent[`${kind}Tokens`] >= budgets[kind]);
  if (!over) return;
  throw new AppError('daily_budget_exceeded', `You have spent today's budget of ${budgets[over]} ${over} tokens`, {
    retryAfter: (midnight.getTime() + 86_400_000 - Date.now()) / 1000,
  });
}
