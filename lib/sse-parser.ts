// Server-sent events as they are read: the provider's answers (lib/ai/openai), the envelope in the
// browser (lib/protocols/sse.ts, readSse), the tests and the bench all read with this one parser.

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
