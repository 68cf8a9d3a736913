// Server-sent events: the framing this app writes, and the one parser for every SSE body it reads
// (the model's answer on the server, the envelope in the browser, the tests and the bench). It
// writes `event:` (optional) and one `data:` line holding one JSON value, each frame ended by a
// blank line; JSON.stringify escapes newlines, so a delta can never break a frame. Browser code
// imports this file: it must stay free of Node modules.

export interface Frame {
  event?: string;
  data: unknown;
}

export function encodeFrame({ event, data }: Frame): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

/** One event as it arrived: its name, when it has one, and its `data:` lines joined by `\n`. */
export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * Reads SSE text as it arrives, in pieces cut anywhere, and hands on each event when the blank
 * line that ends it arrives. Lines end in `\n` or `\r\n` (a bare `\r`, legal but sent by no
 * server this app reads, is not a line end). `data:` and `event:` take one optional space after
 * the colon; comments, `id:` and `retry:` are skipped, since nothing here reconnects. It runs on
 * every read of a model's answer, so it scans with indexOf and slices, once per line.
 */
export class SseParser {
  private rest = '';
  private data: string | undefined;
  private event: string | undefined;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(text: string): void {
    const buffer = this.rest + text;
    let start = 0;
    for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n', start)) {
      this.line(buffer.slice(start, buffer.charCodeAt(end - 1) === 13 ? end - 1 : end));
      start = end + 1;
    }
    this.rest = buffer.slice(start);
  }

  /** The text ended: an event it did not close with a blank line still counts. */
  end(): void {
    const last = this.rest;
    this.rest = '';
    if (last !== '') this.line(last.charCodeAt(last.length - 1) === 13 ? last.slice(0, -1) : last);
    this.line('');
  }

  private line(line: string): void {
    if (line === '') {
      const { data, event } = this;
      // Cleared first, so an `onEvent` that throws leaves no half event behind.
      this.data = undefined;
      this.event = undefined;
      if (data !== undefined) this.onEvent(event === undefined ? { data } : { event, data });
    } else if (line.startsWith('data:')) {
      const value = line.slice(line.charCodeAt(5) === 32 ? 6 : 5);
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    } else if (line.startsWith('event:')) {
      // An empty name is the default event, as EventSource has it.
      this.event = line.slice(line.charCodeAt(6) === 32 ? 7 : 6) || undefined;
    }
  }
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
export const KEEP_ALIVE = ': keep-alive\n\n';

const KEEP_ALIVE_MS = 15_000;

/**
 * SSE bytes for the client: `produce` writes frames until it resolves, then the body closes. A
 * keep-alive comment goes out after 15 s of quiet. `onCancel` runs when the client cancels the
 * body; writes after that are dropped.
 */
export function sseStream(produce: (write: (frame: Frame) => void) => Promise<void>, onCancel: () => void = () => {}): ReadableStream<Uint8Array> {
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
