import { parsePartialJson } from 'ai';
import type { z } from 'zod';
import type { Failure } from '../../ai/failure';
import { isPlainObject } from '../../errors';
import type { ViewFactory } from './views';

// The guide's pattern 2: `data:` frames of the partial object as its fields fill in, then
// `event: result` with the validated object, or `event: error` of kind `validation`.

export interface StructuredViewOptions {
  schema: z.ZodType;
  /** Frames closer together than this are merged into the latest; the first is never held. */
  debounceMs: number;
  /** Told how the object ended, once: for callers that keep it. */
  onSettled?: (settled: Settled) => void;
}

type Settled =
  | { status: 'complete'; object: unknown }
  | { status: 'invalid'; object: unknown; issues: Failure['issues'] }
  | { status: 'failed' | 'stopped'; object: unknown; failureCode?: string };

export function structuredView({ schema, debounceMs, onSettled }: StructuredViewOptions): ViewFactory {
  return (emit) => {
    let json = '';
    let lastSeen = '';
    let latest: unknown;
    let checked: Checked | undefined;
    let lastSentAt = Number.NEGATIVE_INFINITY;
    let pending: unknown;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const send = (partial: unknown) => {
      emit({ data: partial });
      lastSentAt = Date.now();
    };
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (pending !== undefined) send(pending);
      pending = undefined;
    };

    return {
      async onPart(part) {
        if (part.type === 'start-step') json = '';
        if (part.type !== 'text-delta') return;
        json += part.text;
        const { value } = await parsePartialJson(json);
        if (!isFilledObject(value)) return;
        const serialised = JSON.stringify(value);
        if (serialised === lastSeen) return; // never repeat an unchanged partial
        lastSeen = serialised;
        latest = value;

        const wait = lastSentAt + debounceMs - Date.now();
        if (wait <= 0 && timer === undefined) return send(value);
        pending = value;
        timer ??= setTimeout(flush, Math.max(0, wait));
      },
      onComplete({ budgetExceeded }) {
        flush();
        if (budgetExceeded) return;
        checked = validate(schema, json);
        if (checked.ok) emit({ event: 'result', data: checked.value });
        else emit({ event: 'error', data: checked.failure });
      },
      onEnd(failure) {
        clearTimeout(timer);
        if (!onSettled) return;
        if (checked?.ok) onSettled({ status: 'complete', object: checked.value });
        else if (checked) onSettled({ status: 'invalid', object: latest, issues: checked.failure.issues });
        else if (failure) onSettled({ status: 'failed', object: latest, failureCode: failure.error });
        else onSettled({ status: 'stopped', object: latest });
      },
    };
  };
}

type Checked = { ok: true; value: unknown } | { ok: false; failure: Failure };

function validate(schema: z.ZodType, json: string): Checked {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return invalid([{ path: '', message: 'The model did not return valid JSON' }]);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return invalid(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

function invalid(issues: Failure['issues']): Checked {
  return {
    ok: false,
    failure: { error: 'validation', detail: 'The final object does not match the schema', issues },
  };
}

function isFilledObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).length > 0;
}
