import { z } from 'zod';
import { databaseUrl, dataDir } from './db/url.mjs';

// Every setting the server reads, parsed once. A bad value stops start-up with a message that
// names the variable, instead of surfacing later as a confusing failure mid-request.

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(blankToUndefined, z.string().optional());

const milliseconds = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(3_600_000).default(fallback));

const count = (fallback: number, max = 1_000_000_000) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(max).default(fallback));

/** A comma-separated list; blank is empty. */
const list = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : []),
  z.array(z.string()),
);

const EnvSchema = z.object({
  /** `provider:model`; see lib/ai/model.ts for the prefixes. Defaults depend on the keys below. */
  MODEL: optionalString,
  OPENAI_API_KEY: optionalString,
  /** Any OpenAI-compatible server: Ollama, vLLM, llama.cpp's server, LM Studio. */
  OPENAI_BASE_URL: z.preprocess(blankToUndefined, z.url().optional()),
  /** Pause between the offline model's tokens; 0 streams as fast as the reader takes them. */
  OFFLINE_TOKEN_DELAY_MS: milliseconds(30),
  /** A model call that sends nothing for this long is abandoned with a model_error. */
  MODEL_IDLE_TIMEOUT_MS: milliseconds(60_000),
  /**
   * Longest wait a rate-limited (or failing) provider may ask for before the call is retried; a
   * longer one ends the run at once with model_rate_limited and the wait it asked for.
   */
  MODEL_RETRY_MAX_WAIT_MS: milliseconds(10_000),
  /** Most model calls one run may make (each tool round trip is one more). */
  MAX_STEPS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(20).default(5)),
  /** Folder for the default SQLite file and the generated auth secret (absolute once parsed). */
  DATA_DIR: z.string(),
  /** SQLite file (`file:…`, default DATA_DIR/streamwright.db) or PostgreSQL (`postgresql://…`). */
  DATABASE_URL: z.string().refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), 'must be file:… or postgresql://…'),
  /** Signs session cookies. Unset, one is generated once into .data/auth-secret (one instance only). */
  AUTH_SECRET: z.preprocess(blankToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  /** Redis for rate limits, stops and resumable streams shared by every replica; unset, in memory. */
  REDIS_URL: z.preprocess(blankToUndefined, z.url().optional()),
  /** Streaming requests a user may start per minute (0 turns the limit off). */
  RATE_LIMIT_PER_MINUTE: count(30),
  /** Streaming requests one client address may start per minute (0 turns the limit off). */
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: count(120),
  /** Sign-in and sign-up attempts one client address may make per 15 minutes (0 turns it off). */
  AUTH_ATTEMPTS_PER_15_MINUTES: count(20),
  /** Streams one user may have open at once (0 turns the cap off). */
  MAX_CONCURRENT_STREAMS: count(4, 1000),
  /** Output tokens one user may spend per UTC day, counted from stored usage (0: no budget). */
  DAILY_TOKEN_BUDGET: count(1_000_000),
  /** Longest prompt (`q`, report topic), in characters. */
  MAX_PROMPT_CHARS: count(2000, 100_000),
  /** Longest chat message, in characters. */
  MAX_MESSAGE_CHARS: count(8000, 100_000),
  /** Largest `max_tokens` a request may ask for. */
  MAX_OUTPUT_TOKENS: count(4000, 100_000),
  /** `max_tokens` when a request sets none. */
  DEFAULT_OUTPUT_TOKENS: count(500, 100_000),
  /** Proxies in front of the app that append to X-Forwarded-For (0: clients connect directly). */
  TRUST_PROXY_HOPS: count(0, 10),
  /** Origins allowed to call /api/* from a browser (CORS), comma-separated; none by default. */
  CORS_ORIGINS: list,
  /** Bearer token that /api/metrics asks for; unset, the endpoint answers 404. */
  METRICS_TOKEN: optionalString,
  /** On SIGTERM, how long open streams may run on before they are stopped and stored. */
  SHUTDOWN_GRACE_MS: milliseconds(25_000),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ),
});

export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse({ ...source, DATA_DIR: dataDir(source), DATABASE_URL: databaseUrl(source) });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid settings in the environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(process.env);
