import { z } from 'zod';
import { databaseUrl, dataDir } from './db/url.mjs';

// Every setting the server reads, parsed once. A bad value stops start-up with a message that
// names the variable, instead of surfacing later as a confusing failure mid-request.

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(blankToUndefined, z.string().optional());

const milliseconds = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(3_600_000).default(fallback));

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
  /** Most model calls one run may make (each tool round trip is one more). */
  MAX_STEPS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(20).default(5)),
  /** Folder for the default SQLite file and the generated auth secret (absolute once parsed). */
  DATA_DIR: z.string(),
  /** SQLite file (`file:…`, default DATA_DIR/streamwright.db) or PostgreSQL (`postgresql://…`). */
  DATABASE_URL: z.string().refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), 'must be file:… or postgresql://…'),
  /** Signs session cookies. Unset, one is generated once into .data/auth-secret (one instance only). */
  AUTH_SECRET: z.preprocess(blankToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
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
