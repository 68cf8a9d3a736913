import { z } from 'zod';
import { AppError, isPlainObject } from '../errors';

// One way to read a request's fields: GET query parameters or a POST JSON body, checked by the
// same zod schema, so long prompts can be POSTed without a second set of rules.

const MAX_BODY_BYTES = 64 * 1024;
/** Deepest nesting a JSON body may have; real ones nest a handful of levels (a tool's schema a few more). */
const MAX_JSON_DEPTH = 64;

/** The request's fields, checked by `schema`; anything else is refused with an AppError (a 4xx). */
export async function readInput<T>(
  request: Request,
  schema: z.ZodType<T>,
  { maxBytes = MAX_BODY_BYTES }: { maxBytes?: number } = {},
): Promise<T> {
  const raw = request.method === 'GET' ? queryFields(request) : await bodyFields(request, maxBytes);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  throw new AppError('invalid_parameter', describe(field, issue), { field });
}

function queryFields(request: Request): Record<string, string> {
  const fields: Record<string, string> = {};
  // The first of repeated parameters wins, as most frameworks do.
  for (const [key, value] of new URL(request.url).searchParams) fields[key] ??= value;
  return fields;
}

async function bodyFields(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send a JSON body with content-type: application/json');
  }
  const text = await readCapped(request, maxBytes);
  if (text === undefined) throw new AppError('payload_too_large', `The body is larger than ${maxBytes} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The body is not valid JSON');
  }
  if (!isPlainObject(body)) throw new AppError('invalid_body', 'The body must be a JSON object');
  // Before any schema walks it: recursive checks of a deep enough value overflow the stack.
  if (deeperThan(body, MAX_JSON_DEPTH)) throw new AppError('nesting_too_deep', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
  return body;
}

/** Whether objects and arrays nest more than `max` levels, found without recursion. */
export function deeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

/** The body as text, or undefined once it passes `limit` bytes (reading stops there). */
export async function readCapped(request: Request, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) return undefined;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function describe(field: string, issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'Invalid request';
  return field ? `${field}: ${issue.message}` : issue.message;
}
