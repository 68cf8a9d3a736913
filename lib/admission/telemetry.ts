import type { Outcome } from '../ai/outcome';
import type { RunPart } from '../ai/run';
import { log } from '../log';
import { countTokens, metrics } from '../ops/metrics';

// What one admitted stream reports: the open-streams gauge while it runs, its time to first
// token, and at its end its duration, outcome, failure code and tokens, in the metrics and in
// one `stream_end` log line.

export interface StreamTelemetry {
  /** Sees each part of the run (for the time to first token). */
  part(part: RunPart): void;
  /** The stream is over; `outcome` is missing when it never ran. */
  end(outcome?: Outcome): void;
}

export function streamTelemetry(stream: { endpoint: string; userId: string; requestId?: string }): StreamTelemetry {
  const label = `/api/${stream.endpoint}`;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let firstToken: number | undefined;
  metrics.openStreams.inc();
  return {
    part(part) {
      if (firstToken !== undefined || (part.type !== 'text-delta' && part.type !== 'reasoning-delta' && part.type !== 'tool-input-start'))
        return;
      firstToken = seconds();
      metrics.timeToFirstToken.observe({ endpoint: label }, firstToken);
    },
    end(outcome) {
      metrics.openStreams.dec();
      const kind = outcome?.kind ?? 'refused';
      const code = outcome?.kind === 'failed' ? outcome.failure.error : outcome?.kind === 'finished' ? outcome.failure?.error : undefined;
      const usage = outcome?.usage;
      metrics.streamDuration.observe({ endpoint: label, outcome: kind }, seconds());
      if (code) metrics.errors.inc({ kind: code });
      countTokens(usage);
      // Ids, counts and codes only: never the prompt, the reply or who the user is beyond their id.
      log.info('stream_end', {
        request_id: stream.requestId,
        endpoint: label,
        user_id: stream.userId,
        outcome: kind,
        error: code,
        duration_ms: Math.round(seconds() * 1000),
        ttft_ms: firstToken === undefined ? undefined : Math.round(firstToken * 1000),
        input_tokens: usage?.inputTokens,
        output_tokens: usage?.outputTokens,
      });
    },
  };
}
