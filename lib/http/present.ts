import type { OfferedModel } from '../ai/model';
import { usageJson } from '../ai/usage';
import type { StoredMessage } from '../db/owned';

// The JSON the API answers with: snake_case fields, ISO times.

/**
 * A session, with the model it remembers (null before its first turn); a search result also
 * carries `match`, the text around the first message that matched.
 */
export function presentSession(session: {
  id: string;
  title: string;
  model: string | null;
  createdAt: Date;
  updatedAt: Date;
  match?: string;
}) {
  return {
    id: session.id,
    title: session.title,
    model: session.model,
    created_at: session.createdAt.toISOString(),
    updated_at: session.updatedAt.toISOString(),
    ...(session.match !== undefined ? { match: session.match } : {}),
  };
}

export function presentMessage(message: StoredMessage) {
  return {
    id: message.id,
    role: message.role,
    parts: message.parts,
    model: message.model,
    usage: message.usage && usageJson(message.usage),
    status: message.status,
    error: message.failureCode,
    created_at: message.createdAt.toISOString(),
  };
}

export function presentApiKey(key: {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt?: Date | null;
  revokedAt?: Date | null;
}) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    ...(key.revokedAt ? { revoked_at: key.revokedAt.toISOString() } : {}),
  };
}

export function presentReport(report: {
  id: string;
  topic: string;
  status: string;
  createdAt: Date;
  model?: string | null;
  report?: unknown;
  issues?: unknown;
  failureCode?: string | null;
}) {
  return {
    id: report.id,
    topic: report.topic,
    status: report.status,
    created_at: report.createdAt.toISOString(),
    ...('report' in report
      ? { model: report.model ?? null, report: report.report ?? null, issues: report.issues ?? null, error: report.failureCode ?? null }
      : {}),
  };
}

/** An offered model, as `GET /api/models` lists it. */
export function presentModel(model: OfferedModel, defaultId: string) {
  return {
    id: model.id,
    provider: model.provider,
    tools: model.tools,
    structured_output: model.structuredOutput,
    default: model.id === defaultId,
  };
}
