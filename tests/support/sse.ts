/** One SSE frame as a client sees it: the event name (absent for plain data) and parsed data. */
export interface Frame {
  event?: string;
  data: unknown;
}

/** Splits an SSE body into frames, checking the framing on the way: `\n` line ends, one data line. */
export function parseFrames(body: string): Frame[] {
  if (body.includes('\r')) throw new Error('SSE body uses \\r line endings');
  if (body && !body.endsWith('\n\n')) throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(body.slice(-40))}`);
  return body
    .split('\n\n')
    .filter((block) => block !== '' && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length);
      const data = lines.filter((l) => l.startsWith('data: '));
      if (data.length !== 1) throw new Error(`frame without exactly one data line: ${JSON.stringify(block)}`);
      return event === undefined ? { data: JSON.parse(data[0]!.slice(6)) } : { event, data: JSON.parse(data[0]!.slice(6)) };
    });
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
  const lines = body.split('\n\n').filter((block) => block.startsWith('data: '));
  if (lines.at(-1) !== 'data: [DONE]') throw new Error(`UI stream does not end with [DONE]: ${body.slice(-80)}`);
  return lines.slice(0, -1).map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}
