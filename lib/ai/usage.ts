import type { LanguageModelUsage } from 'ai';

// Token usage: added up over a run's steps, and as the API's JSON.

/** The usage of several steps added up; a count some step did not report stays unknown. */
export function sumUsage(usages: ReadonlyArray<LanguageModelUsage>): LanguageModelUsage {
  const sum = (pick: (usage: LanguageModelUsage) => number | undefined) => {
    const counts = usages.map(pick);
    return counts.some((count) => count === undefined) ? undefined : counts.reduce<number>((a, b) => a + (b ?? 0), 0);
  };
  return {
    inputTokens: sum((u) => u.inputTokens),
    outputTokens: sum((u) => u.outputTokens),
    totalTokens: sum((u) => u.totalTokens),
  } as LanguageModelUsage;
}

type Counts = { inputTokens?: number | null; outputTokens?: number | null; totalTokens?: number | null };

/** Usage as every wire and the API name it: snake_case, null for a count not known. */
export function usageJson(usage: Counts) {
  return {
    input_tokens: usage.inputTokens ?? null,
    output_tokens: usage.outputTokens ?? null,
    total_tokens: usage.totalTokens ?? null,
  };
}
