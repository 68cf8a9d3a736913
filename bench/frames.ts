import { SseParser, type SseEvent } from '../lib/sse-parser';

/** Calls `onEvent` with each SSE event of `response`, as it arrives. */
export async function forEachFrame(response: Response, onEvent: (event: SseEvent) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser(onEvent);
  for (let next = await reader.read(); !next.done; next = await reader.read()) parser.push(next.value);
  parser.end();
}
