import { env } from './env';

// Structured logs, one JSON object a line on stderr. Callers pass explicit fields; prompts and
// model output are never logged (the guide's "no PII in logs").

type Level = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

type Fields = Record<string, unknown>;

function write(level: Level, event: string, fields: Fields = {}) {
  if (rank[level] < rank[env.LOG_LEVEL]) return;
  const line = { time: new Date().toISOString(), level, event, ...fields };
  process.stderr.write(`${JSON.stringify(line, errorReplacer)}\n`);
}

// Errors become their name, message and stack instead of `{}`.
function errorReplacer(_key: string, value: unknown) {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

export const log = {
  debug: (event: string, fields?: Fields) => write('debug', event, fields),
  info: (event: string, fields?: Fields) => write('info', event, fields),
  warn: (event: string, fields?: Fields) => write('warn', event, fields),
  error: (event: string, fields?: Fields) => write('error', event, fields),
};
