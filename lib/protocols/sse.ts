import { SseParser, type SseEvent } from '../sse-parser';

// Server-sent events: the framing this app writes, and readSse, the browser's reader of the
// envelope (with the one SSE parser, lib/sse-parser.ts). It writes `event:` (optional) and one `data:` line holding one JSON value, each frame ended by a
// blank line; JSON.stringify escapes newlines, so a delta can never break a frame. Browser code
// imports this file: it must stay free of Node modules.

export interface Frame {
  event?: string;
  data: unknown;
}

export function encodeFrame({ event, data }: Frame): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

/**
 * A response's SSE frames, each one's data parsed as JSON, as they arrive (the report page, the
 * inspector). A frame the body ends before its blank line is dropped, as EventSource drops it.
 */
export async function* readSse(response: Response): AsyncGenerator<Frame> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let arrived: SseEvent[] = [];
  const parser = new SseParser((event) => arrived.push(event));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    parser.push(value);
    const events = arrived;
    arrived = [];
    for (const { event, data } of events) yield event === undefined ? { data: JSON.parse(data) } : { event, data: JSON.parse(data) };
  }
}

/** A comment line: ignored by every SSE parser, keeps idle proxies from closing the stream. */
const KEEP_ALIVE = ': keep-alive\n\n';

const KEEP_ALIVE_MS = 15_000;

/**
 * SSE bytes for the client: `produce` writes frames until it resolves, then the body closes. A
 * keep-alive comment goes out after 15 s of quiet. `onCancel` runs when the client cancels the
 * body; writes after that are dropped.
 */
export function sseStream(
  produce: (write: (frame: Frame) => void) => Promise<void>,
  onCancel: () => void = () => {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let open = true;
  let keepAlive: ReturnType<typeof setInterval> | undefined;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      let lastWrite = Date.now();
      const write = (text: string) => {
        if (!open) return;
        controller.enqueue(encoder.encode(text));
        lastWrite = Date.now();
      };
      keepAlive = setInterval(() => {
        if (Date.now() - lastWrite >= KEEP_ALIVE_MS) write(KEEP_ALIVE);
      }, KEEP_ALIVE_MS);

      void produce((frame) => write(encodeFrame(frame))).finally(() => {
        clearInterval(keepAlive);
        if (open) {
          open = false;
          controller.close();
        }
      });
    },
    cancel() {
      open = false;
      clearInterval(keepAlive);
      onCancel();
    },
  });
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Tells nginx-style proxies not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;
