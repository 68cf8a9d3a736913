// Server-sent events framing: `event:` (optional) and one `data:` line holding one JSON value,
// each frame ended by a blank line. JSON.stringify escapes newlines, so a delta can never break
// a frame.

export interface Frame {
  event?: string;
  data: unknown;
}

export function encodeFrame({ event, data }: Frame): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by every SSE parser, keeps idle proxies from closing the stream. */
export const KEEP_ALIVE = ': keep-alive\n\n';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Tells nginx-style proxies not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;
