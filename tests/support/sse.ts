import { SseParser, type SseEvent } from '../../lib/sse-parser';

/** One SSE frame as a client sees it: the event name (absent for plain data) and parsed data. */
export interface Frame {
  event?: string;
  data: unknown;
}

/** The events of a whole SSE body, through the product's own parser. */
function sseEvents(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  parser.push(body);
  parser.end();
  return events;
}

/**
 * Splits an SSE body into frames, checking the framing on the way: `\n` line ends, the body ends
 * with a blank line, and each frame is exactly what `encodeFrame` writes (an optional `event:`
 * line, then one `data:` line), comment frames aside.
 */
export function parseFrames(body: string): Frame[] {
  if (body.includes('\r')) throw new Error('SSE body uses \\r line endings');
  if (body && !body.endsWith('\n\n')) throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(body.slice(-40))}`);
  const events = sseEvents(body);
  // The parser joins data lines and skips frames without one; laid out again, a frame that had
  // other than one `data:` line, or anything else the parser passed over, no longer matches.
  let at = skipComments(body, 0);
  for (const { event, data } of events) {
    const frame = `${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`;
    if (!body.startsWith(frame, at))
      throw new Error(
        `frame other than an optional event line and exactly one data line: ${JSON.stringify(body.slice(at, body.indexOf('\n\n', at) + 2))}`,
      );
    at = skipComments(body, at + frame.length);
  }
  if (at !== body.length)
    throw new Error(
      `frame other than an optional event line and exactly one data line: ${JSON.stringify(body.slice(at, body.indexOf('\n\n', at) + 2))}`,
    );
  return events.map(({ event, data }) => (event === undefined ? { data: JSON.parse(data) } : { event, data: JSON.parse(data) }));
}

/** Where the comment frames (`: keep-alive`) at `at` end. */
function skipComments(body: string, at: number): number {
  while (body.startsWith(':', at)) at = body.indexOf('\n\n', at) + 2;
  return at;
}

/** Fetches a URL and returns its status, content type and frames. */
export async function fetchFrames(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  const body = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    model: response.headers.get('x-streamwright-model'),
    frames: parseFrames(body),
  };
}

/**
 * A transcript with each run of text deltas joined into one frame. Text that reaches the server
 * in one read is sent in one frame, so how it is split depends on timing; what it says, and
 * where it sits among the other frames, does not.
 */
export function coalesced(frames: Frame[]): Frame[] {
  const out: Frame[] = [];
  for (const frame of frames) {
    const last = out.at(-1);
    const data = frame.data as Record<string, unknown>;
    const lastData = last?.data as Record<string, unknown> | undefined;
    if (last && frame.event === undefined && last.event === undefined && lastData) {
      if (typeof data.text === 'string' && typeof lastData.text === 'string' && Object.keys(data).length === 1) {
        out[out.length - 1] = { data: { text: lastData.text + data.text } };
        continue;
      }
      if ((data.type === 'text_delta' || data.type === 'thinking_delta') && lastData.type === data.type) {
        out[out.length - 1] = { data: { type: data.type, delta: String(lastData.delta) + String(data.delta) } };
        continue;
      }
    }
    out.push(frame);
  }
  return out;
}

/** The text deltas of a transcript joined, for assertions about the whole reply. */
export function joinedText(frames: Frame[]): string {
  return frames
    .map((f) => (f.event === undefined && typeof f.data === 'object' && f.data !== null && 'text' in f.data ? String(f.data.text) : ''))
    .join('');
}

/** The chunks of an AI SDK UI message stream body (`data: {json}` … `data: [DONE]`). */
export function parseUiStream(body: string): Array<Record<string, unknown>> {
  const data = sseEvents(body).map((event) => event.data);
  if (data.at(-1) !== '[DONE]') throw new Error(`UI stream does not end with [DONE]: ${body.slice(-80)}`);
  return data.slice(0, -1).map((text) => JSON.parse(text) as Record<string, unknown>);
}
