import { z } from 'zod';
import { integer, maxTokens, message, model, prompt, SessionId } from '../fields';

// The guide's requests, for GET queries and POST bodies alike.

/** Patterns 1 and 3: a prompt answered in prose. */
export const StreamInput = z.object({ q: prompt, max_tokens: maxTokens, model: model('answer') });

const debounceMs = integer(
  z.number({ error: 'must be a whole number of milliseconds' }).int().min(0, 'must be at least 0').max(5000, 'must be at most 5000'),
  { fallback: 100, description: 'Partial frames closer together than this are merged into the latest; the first is never held' },
);

/** Pattern 2: the research report on a prompt, its partials at most every `debounce_ms`. */
export const StructuredInput = StreamInput.extend({ model: model('report'), debounce_ms: debounceMs });

/** The report page's request: a topic, with the structured endpoint's budget and debounce. */
export const ReportInput = z.object({ topic: prompt, max_tokens: maxTokens, debounce_ms: debounceMs, model: model('report') });

/** Pattern 4: `{session_id, message}`; a `model` becomes the session's. */
export const ChatInput = z.object({ session_id: SessionId, message, max_tokens: maxTokens, model: model('answer') });
