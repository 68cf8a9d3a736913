// Reads an SSE envelope response frame by frame, for browser code (the report page, the
// inspector). Frames are `event:` (optional) and `data:` lines ended by a blank line.

export interface ReceivedFrame {
  event?: string;
  data: unknown;
}

export async function* readSse(response: Response): AsyncGenerator<ReceivedFrame> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event: string | undefined;
      let data: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data = line.slice(6);
      }
      if (data !== undefined) yield event === undefined ? { data: JSON.parse(data) } : { event, data: JSON.parse(data) };
    }
  }
}
