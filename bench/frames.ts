/** Calls `onFrame` with each raw SSE frame of `response` (the text between blank lines), as it arrives. */
export async function forEachFrame(response: Response, onFrame: (frame: string) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    buffer += next.value;
    const frames = buffer.split('\n\n');
    buffer = frames.pop() ?? '';
    frames.forEach(onFrame);
  }
}
