import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { openApiDocument, openApiPath } from '../../lib/openapi/document';
import { routeMatcher } from '../../lib/ops/route-match';
import { SseParser } from '../../lib/sse-parser';
import { routeFiles } from './routes';

// Checks an answer of the API against the OpenAPI document (lib/openapi/document.ts): its status
// must be one the operation lists, its content type one that status lists, and its JSON (or each
// SSE event, as `{event, data}`) must validate against that content's schema. Used by the API
// suite on every answer it gets (./openapi-check.ts) and by tests/api/openapi.test.ts.

type Json = Record<string, unknown>;

/** The document as served: plain JSON. */
export const DOCUMENT = JSON.parse(JSON.stringify(openApiDocument())) as Json & { paths: Record<string, Record<string, Json>> };

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(DOCUMENT, 'openapi');

/** The route folder a path under /api reaches, as Next.js routes it. */
const routeOf = routeMatcher(routeFiles());

const validators = new Map<string, ValidateFunction>();

function validatorAt(pointer: string[]): ValidateFunction {
  const ref = `openapi#/${pointer.map((key) => key.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
  let validate = validators.get(ref);
  if (!validate) validators.set(ref, (validate = ajv.compile({ $ref: ref })));
  return validate;
}

export interface Answer {
  method: string;
  pathname: string;
  status: number;
  contentType: string | null;
  /** The answer's headers, checked for those the document marks required. */
  headers?: Headers;
  /** Unset: only the status, content type and headers are checked. */
  body?: string;
  /** The body is the part that arrived before the reader cancelled it: only its whole events are checked. */
  partial?: boolean;
}

interface DocumentedResponse {
  content?: Record<string, unknown>;
  headers?: Record<string, { required?: boolean }>;
}

/** What is wrong with an answer, by the document: nothing (an empty list) when it matches. */
export function answerProblems({ method, pathname, status, contentType, headers, body, partial = false }: Answer): string[] {
  // The framework answers OPTIONS for every route (and the CORS proxy a browser's preflight).
  if (method === 'OPTIONS') return [];
  const where = `${method} ${pathname}`;
  // Next.js sends a path with a trailing slash or an empty segment to its plain form, before any route.
  if (status === 308 && /\/$|\/\//.test(pathname)) return [];
  const folder = routeOf(pathname);
  if (folder === undefined) return [`${where}: no route under app/api takes this path`];
  const path = openApiPath(folder);
  // HEAD is the framework's GET without the body.
  const documented = method === 'HEAD' ? 'get' : method.toLowerCase();
  const operation = DOCUMENT.paths[path]?.[documented] as { responses: Record<string, DocumentedResponse> } | undefined;
  // A method the route does not export gets the framework's empty 405.
  if (!operation) return status === 405 ? [] : [`${where}: ${method} ${path} is not in the document`];
  const response = operation.responses[String(status)];
  if (!response) return [`${where}: status ${status} is not documented for ${method} ${path}`];
  const missing = Object.entries(response.headers ?? {})
    .filter(([name, header]) => header.required && headers && !headers.has(name))
    .map(([name]) => `${where} ${status}: the required header ${name} is missing`);
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!response.content)
    return type === '' || method === 'HEAD'
      ? missing
      : [...missing, `${where}: ${status} is documented without a body, and one came (${type})`];
  if (!(type in response.content)) {
    return [
      ...missing,
      `${where}: ${status} answered ${type || 'no content type'}; documented: ${Object.keys(response.content).join(', ')}`,
    ];
  }
  if (body === undefined || method === 'HEAD') return missing;
  const isStream = type === 'text/event-stream';
  if (partial && !isStream) return missing;
  const validate = validatorAt(['paths', path, documented, 'responses', String(status), 'content', type, 'schema']);
  const values = isStream ? eventsOf(body, !partial) : [type.endsWith('json') ? parseJson(body) : body];
  return [
    ...missing,
    ...values.flatMap((value) =>
      validate(value)
        ? []
        : [`${where} ${status}: ${JSON.stringify(value).slice(0, 300)} does not match: ${ajv.errorsText(validate.errors)}`],
    ),
  ];
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** A stream's events as the document describes them: `{event, data}`, data parsed when it is JSON; with `ended`, a last event without its blank line too. */
function eventsOf(body: string, ended: boolean): unknown[] {
  const events: unknown[] = [];
  const parser = new SseParser(({ event, data }) => events.push({ event: event ?? 'message', data: parseJson(data) }));
  parser.push(body);
  if (ended) parser.end();
  return events;
}
