import {
  experimental_streamTextLowMemory as streamText,
  isStepCount,
  Output,
  zodSchema,
  type ModelMessage,
  type StepResult,
  type TextStreamPart,
  type ToolSet,
} from 'ai';
import { env } from '../env';
import { appDataMessage, type AppData } from './app-data';
import type { Outcome } from './outcome';
import { log } from '../log';
import { models, type ModelCatalogue } from './model';
import { ResearchReport } from './report';
import { tools } from './tools';

// The one place that starts a model run. Route handlers say what they want (a prose answer or a
// report, the prompt, the budget, the signal); everything else about the run is decided here.

export type RunKind = 'answer' | 'report';

export interface RunRequest {
  kind: RunKind;
  /** One of the offered models (lib/ai/model.ts); the default when unset. */
  model?: string;
  /** One prompt, or a conversation: the stored history, then the new user message. */
  prompt: string | ModelMessage[];
  /** Output tokens the whole run may spend, across every step. */
  maxOutputTokens: number;
  /** Aborting it stops the model call at once (client gone, stop pressed). */
  abortSignal: AbortSignal;
  /** Tools the client runs itself (AG-UI frontend tools): offered to the model, never run here. */
  clientTools?: ToolSet;
  /** What an embedding application shares with the model, given to it as data. */
  appData?: AppData;
  /** Told of each part and of the outcome by whoever follows the run (followRun). */
  watch?: RunWatch;
}

export interface RunWatch {
  part(part: RunPart): void;
  end(outcome: Outcome): void;
}

export type RunPart = TextStreamPart<ToolSet>;

export interface Run {
  /** Every stream part of the run, in order; read it once (followRun). */
  parts: ReadableStream<RunPart>;
  /** Which model answers, as `prefix:model-id`. */
  model: string;
  /** The output-token budget the run was given, across every step. */
  maxOutputTokens: number;
  watch?: RunWatch;
}

/**
 * Why the model `id` cannot take a run of this kind, or undefined when it can: it must be offered,
 * and able to use tools (every answer offers `lookup_price`) or to write structured output (a report).
 */
export function modelProblem(catalogue: Pick<ModelCatalogue, 'offered'>, id: string, kind: RunKind): string | undefined {
  const names = (list: ModelCatalogue['offered']) => list.map((offered) => offered.id).join(', ');
  const model = catalogue.offered.find((offered) => offered.id === id);
  if (!model) return `must be one of the offered models: ${names(catalogue.offered)}`;
  const needs = kind === 'report' ? 'structuredOutput' : 'tools';
  if (model[needs]) return undefined;
  const able = catalogue.offered.filter((offered) => offered[needs]);
  const what = kind === 'report' ? 'cannot write a report (no structured output)' : 'cannot use tools';
  return `${id} ${what}; ${able.length > 0 ? `models that can: ${names(able)}` : 'no offered model can'}`;
}

const INSTRUCTIONS: Record<RunKind, string> = {
  answer: 'You are a concise, helpful assistant. When asked for the price of a product, ' + 'call lookup_price and answer from its result.',
  report:
    'You are a careful research assistant. Write a short research report on the topic the user ' +
    'gives: a title, a two- or three-sentence summary, three to five key findings, and a ' +
    'confidence score from 0 to 1.',
};

// Wrapped once, so its JSON Schema is built once rather than on every run.
const reportSchema = zodSchema(ResearchReport);

/**
 * Starts a run. `streamText` here is the SDK's single-consumer variant: the run's parts are read
 * once, by one adapter, so the SDK keeps no second copy of them (no tee, no recorded steps).
 */
export function startRun(request: RunRequest): Run {
  const { model, label } = models().select(request.model);
  const { maxOutputTokens } = request;
  const shared = request.appData && appDataMessage(request.appData);
  const common = {
    model,
    instructions: INSTRUCTIONS[request.kind],
    prompt: shared ? [shared, ...asMessages(request.prompt)] : request.prompt,
    maxOutputTokens,
    abortSignal: request.abortSignal,
    // The provider's fetch retries failed calls with its own policy and abandons a provider that
    // goes silent (lib/ai/provider-fetch.ts), below the SDK and without a timer per part.
    maxRetries: 0,
    onError: ({ error }: { error: unknown }) => log.warn('model_call_failed', { model: label, error }),
  };

  const result =
    request.kind === 'report'
      ? streamText({ ...common, output: Output.object({ schema: reportSchema, name: 'research_report' }) })
      : streamText({
          ...common,
          // A client tool has no `execute`: a call to one ends the run, and the client answers it.
          tools: { ...request.clientTools, ...tools },
          stopWhen: [isStepCount(env.MAX_STEPS), budgetSpent(maxOutputTokens)],
          // The budget is for the whole run: each step may only spend what is left of it.
          prepareStep: ({ steps }) => ({ maxOutputTokens: Math.max(1, maxOutputTokens - outputTokens(steps)) }),
        });

  return { parts: result.stream, model: label, maxOutputTokens, watch: request.watch };
}

function asMessages(prompt: string | ModelMessage[]): ModelMessage[] {
  return typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt;
}

function outputTokens(steps: ReadonlyArray<StepResult<ToolSet>>): number {
  return steps.reduce((sum, step) => sum + (step.usage.outputTokens ?? 0), 0);
}

const budgetSpent =
  (maxOutputTokens: number) =>
  ({ steps }: { steps: ReadonlyArray<StepResult<ToolSet>> }) =>
    outputTokens(steps) >= maxOutputTokens;
