import { createUIMessageStreamResponse, toUIMessageStream, type ToolSet, type UIMessageChunk } from 'ai';
import { describeModelFailure } from '../../ai/failure';
import type { Run } from '../../ai/run';
import { ToolFailure, toolErrorText } from '../../ai/tools';
import type { ChatMessage } from './messages';

// The AI SDK UI message stream, for `useChat` in the browser: the same run parts, another wire.

/** Where a copy of the stream goes: kept for clients that reconnect (lib/chat/journal.ts). */
export interface ChunkSink {
  append(chunk: UIMessageChunk): void;
  end(): void;
}

/** A run as the UI message stream; its reply carries the stored reply's id. */
export function toResponse(run: Run, options: { messageId: string; headers?: Record<string, string>; copyTo?: ChunkSink }): Response {
  const stream = toUIMessageStream<ToolSet, ChatMessage>({
    stream: run.parts,
    // An empty history puts the stream in persistence mode: the reply carries the stored id.
    originalMessages: [],
    generateMessageId: () => options.messageId,
    messageMetadata: ({ part }) => {
      if (part.type === 'start') return { model: run.model, createdAt: Date.now() };
      if (part.type === 'finish') return { model: run.model, usage: part.totalUsage };
      return undefined;
    },
    // The SDK hands tool errors and run errors alike to `onError`: a tool's refusal reads as it
    // is stored and as the other wires send it; anything else is the envelope's safe sentence.
    onError: (error) => (error instanceof ToolFailure ? toolErrorText(error) : describeModelFailure(error).detail),
  });
  return createUIMessageStreamResponse({
    stream: options.copyTo ? copied(stream, options.copyTo) : stream,
    headers: { 'x-streamwright-model': run.model, ...options.headers },
  });
}

/**
 * The stream for the client, with every chunk also handed to `sink`. The copy is read to the end
 * even after the client leaves (a tee's branches are independent).
 */
function copied(stream: ReadableStream<UIMessageChunk>, sink: ChunkSink): ReadableStream<UIMessageChunk> {
  const [forClient, forSink] = stream.tee();
  void (async () => {
    const reader = forSink.getReader();
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) sink.append(next.value);
    } finally {
      sink.end();
    }
  })();
  return forClient;
}

/** A kept stream, answered as a UI message stream again. */
export function resumedResponse(stream: ReadableStream<UIMessageChunk>): Response {
  return createUIMessageStreamResponse({ stream });
}
