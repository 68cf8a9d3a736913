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
