import { z } from 'zod';
import { DATABASE_URL_RULE, databaseUrl, dataDir, isDatabaseUrl } from './db/url.mjs';
import { dropBlankValues, invalidSetting } from './environment.mjs';

// Every setting the server reads, parsed once. A blank value means the default, and leaves
// process.env as this module loads, before any library can read it (lib/environment.mjs). A value
// that is present but wrong stops start-up (lib/ops/startup.ts) with one line per setting: its
// name and the rule it breaks, never its value, which may be a secret.

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const optionalString = optional(z.string());

/** A whole number from `min` to `max`, `fallback` when unset. */
const wholeNumber = (fallback: number, min: number, max: number, unit = '') => {
  const rule = `must be a whole number${unit} from ${min} to ${max}`;
  return z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: rule }).int({ error: rule }).min(min, { error: rule }).max(max, { error: rule }).default(fallback),
  );
};

const milliseconds = (fallback: number, min = 0) => wholeNumber(fallback, min, 3_600_000, ' of milliseconds');

const count = (fallback: number, max = 1_000_000_000) => wholeNumber(fallback, 0, max);

/** An absolute URL with one of `protocols`; `example` shows the form in the message. */
const url = (protocols: RegExp, example: string) => optional(z.url({ protocol: protocols, error: `must be a URL such as ${example}` }));

/** `scheme://host[:port]` of an http(s) site, as browsers send it in `Origin`. */
const isOrigin = (entry: string) => {
  try {
    const url = new URL(entry);
    return /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search && !url.hash && !url.username;
  } catch {
    return false;
  }
};

/**
 * A comma-separated list of origins, each as browsers send it (`https://App.example/` becomes
 * `https://app.example`); blank is none. A wildcard, a path or anything else is refused.
 */
const origins = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : [],
  z.array(
    z
      .string()
      .refine(isOrigin, 'must list origins such as https://app.example.com, comma-separated (no path, no *)')
      .transform((entry) => new URL(entry).origin),
  ),
);

/** A comma-separated list of `prefix:model-id` entries; blank is none. */
const modelList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : [],
  z.array(z.string()),
);

const EnvSchema = z.object({
  /** The default model, `prefix:model-id`; see lib/ai/model.ts for the prefixes. Defaults depend on the keys below. */
  MODEL: optionalString,
  /** Every model the deployment offers, comma-separated; unset, MODEL alone. */
  MODELS: modelList,
  OPENAI_API_KEY: optionalString,
  /** Any OpenAI-compatible server: Ollama, vLLM, llama.cpp's server, LM Studio. */
  OPENAI_BASE_URL: url(/^https?$/, 'http://127.0.0.1:11434/v1'),
  /** For `anthropic:` models (the Messages API). */
  ANTHROPIC_API_KEY: optionalString,
  /** Anthropic's API or a gateway that speaks it; unset, https://api.anthropic.com/v1. */
  ANTHROPIC_BASE_URL: url(/^https?$/, 'https://api.anthropic.com/v1'),
  /** For `google:` models (the Gemini API). */
  GOOGLE_GENERATIVE_AI_API_KEY: optionalString,
  /** The Gemini API or a gateway that speaks it; unset, https://generativelanguage.googleapis.com/v1beta. */
  GOOGLE_BASE_URL: url(/^https?$/, 'https://generativelanguage.googleapis.com/v1beta'),
  /**
   * How the OpenAI wires' answers are read: `lean` parses each event once, straight into the run
   * (lib/ai/openai/lean-model.ts); `stock` is @ai-sdk/openai's own parser, kept to compare against.
   */
  OPENAI_PROVIDER: z.preprocess(blankToUndefined, z.enum(['lean', 'stock'], { error: 'must be lean or stock' }).default('lean')),
  /** Pause between the offline model's tokens; 0 streams as fast as the reader takes them. */
  OFFLINE_TOKEN_DELAY_MS: milliseconds(30),
  /** A model call that sends nothing for this long is abandoned with a model_error. */
  MODEL_IDLE_TIMEOUT_MS: milliseconds(60_000, 1),
  /**
   * Longest wait a rate-limited (or failing) provider may ask for before the call is retried; a
   * longer one ends the run at once with model_rate_limited and the wait it asked for.
   */
  MODEL_RETRY_MAX_WAIT_MS: milliseconds(10_000),
  /** Most model calls one run may make (each tool round trip is one more). */
  MAX_STEPS: wholeNumber(5, 1, 20),
  /** Folder for the default SQLite file and the generated auth secret (absolute once parsed). */
  DATA_DIR: z.string(),
  /** SQLite file (`file:…`, default DATA_DIR/streamwright.db) or PostgreSQL (`postgresql://…`). */
  DATABASE_URL: z.string().refine(isDatabaseUrl, DATABASE_URL_RULE),
  /** Signs session cookies. Unset, one is generated once into .data/auth-secret (one instance only). */
  AUTH_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  /** Redis for rate limits, stops and resumable streams shared by every replica; unset, in memory. */
  REDIS_URL: url(/^rediss?$/, 'redis://127.0.0.1:6379'),
  /** Streaming requests a user may start per minute (0 turns the limit off). */
  RATE_LIMIT_PER_MINUTE: count(30),
  /** Streaming requests one client address may start per minute (0 turns the limit off). */
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: count(120),
  /** Sign-in and sign-up attempts one client address may make per 15 minutes (0 turns it off). */
  AUTH_ATTEMPTS_PER_15_MINUTES: count(20),
  /** Streams one user may have open at once (0 turns the cap off). */
  MAX_CONCURRENT_STREAMS: count(4, 1000),
  /**
   * Streams this process holds open at once, all users together (0 turns the cap off). Past it, new
   * streams get 503 server_busy and readiness fails; open ones go on. Sized to the memory a replica
   * has (README, Production).
   */
  MAX_OPEN_STREAMS: count(600, 100_000),
  /** Output tokens one user may spend per UTC day, counted from stored usage (0: no budget). */
  DAILY_TOKEN_BUDGET: count(1_000_000),
  /**
   * Input tokens one user may send to the model per UTC day (0: no budget). Counted apart from
   * output, since each chat turn sends the whole history again.
   */
  DAILY_INPUT_TOKEN_BUDGET: count(5_000_000),
  /** Longest prompt (`q`, report topic), in characters. */
  MAX_PROMPT_CHARS: wholeNumber(2000, 1, 100_000),
  /** Longest chat message, in characters. */
  MAX_MESSAGE_CHARS: wholeNumber(8000, 1, 100_000),
  /** Largest `max_tokens` a request may ask for. */
  MAX_OUTPUT_TOKENS: wholeNumber(4000, 1, 100_000),
  /** `max_tokens` when a request sets none. */
  DEFAULT_OUTPUT_TOKENS: wholeNumber(500, 1, 100_000),
  /** Proxies in front of the app that append to X-Forwarded-For (0: clients connect directly). */
  TRUST_PROXY_HOPS: count(0, 10),
  /** Origins allowed to call /api/* from a browser (CORS), comma-separated; none by default. */
  CORS_ORIGINS: origins,
  /** Bearer token that /api/metrics asks for; unset, the endpoint answers 404. */
  METRICS_TOKEN: optionalString,
  /** On SIGTERM, how long open streams may run on before they are stopped and stored. */
  SHUTDOWN_GRACE_MS: milliseconds(25_000),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['debug', 'info', 'warn', 'error', 'silent'], { error: 'must be debug, info, warn, error or silent' }).default('info'),
  ),
  /** Read by next-auth: the public URL, as the browser sees it. Checked here so a typo stops start-up. */
  NEXTAUTH_URL: url(/^https?$/, 'https://streamwright.example.com'),
});

export type Env = z.infer<typeof EnvSchema>;

/** The name of every setting parsed here. */
export const SETTINGS = Object.keys(EnvSchema.shape) as Array<keyof Env>;

/** Settings that cannot be used: one line per setting, `Invalid setting NAME: rule`. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(problems: ReadonlyArray<{ setting: string; rule: string }>) {
    super(problems.map(({ setting, rule }) => invalidSetting(setting, rule)).join('\n'));
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse({ ...source, DATA_DIR: dataDir(source), DATABASE_URL: databaseUrl(source) });
  if (!parsed.success) {
    // One line per setting, even when a list has several wrong entries.
    const problems = new Map(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
    throw new SettingsError([...problems].map(([setting, rule]) => ({ setting, rule })));
  }
  return parsed.data;
}

// Also after `next dev` reloads an edited .env file, which brings its blank values back and
// loads the server's modules anew.
dropBlankValues();
export const env: Env = parseEnv(process.env);
