import { createOpenAI } from '@ai-sdk/openai';
import {
  JSONParseError,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
  type LanguageModelV4StreamPart,
  type LanguageModelV4StreamResult,
  type SharedV4Warning,
} from '@ai-sdk/provider';
import { SseParser } from '../../sse-parser';
import { chatCompletionsEvents } from './chat-events';
import { responsesEvents } from './responses-events';
import { invalidEvent } from './wire-values';

// A model on the OpenAI wires that reads the answer's bytes itself. The stock provider parses
// each SSE event through a chain of about six web streams and checks it against a zod schema;
// at a real model's pace every token walks that chain alone, and it is most of what a token
// costs (docs/architecture.md, "The model's wire"). Here one `pull` reads the body, parses each
// event once with JSON.parse, checks only the fields it reads, and enqueues the parts straight
// into the one stream `streamText` reads. Text deltas that arrive in one read leave as one part.
//
// What to send is still the stock provider's work: the request body (prompt, tools, JSON schema,
// reasoning-model rules) and the answer to a failed request (APICallError) come from
// `@ai-sdk/openai`, so both paths send byte-for-byte the same request and fail the same way.

export type OpenAIWire = 'chat' | 'responses';

/** Turns one wire's events into stream parts. */
export interface WireEvents {
  /** One event's data, parsed; parts go out through the `emit` it was made with. */
  event(data: Record<string, unknown>): void;
  /** Something in the body could not be read: an error part, and the finish says error. */
  fail(error: unknown): void;
  /** The body ended: close what is open and finish. */
  end(): void;
}

export type Emit = (part: LanguageModelV4StreamPart) => void;

/** The request an answer is to: an error the model reports before any output is told as its failure. */
export interface AnswerTo {
  url: string;
  requestBody: unknown;
  responseHeaders?: Record<string, string>;
}

export interface LeanOpenAIOptions {
  wire: OpenAIWire;
  modelId: string;
  baseURL: string | undefined;
  apiKey: string;
  fetch: typeof globalThis.fetch;
}

export class LeanOpenAIModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly supportedUrls = {};
  readonly provider: string;
  readonly modelId: string;

  constructor(private readonly options: LeanOpenAIOptions) {
    this.provider = options.wire === 'chat' ? 'openai.chat' : 'openai.responses';
    this.modelId = options.modelId;
  }

  /** The stock model, answering through `fetch`. */
  private stock(fetch: typeof globalThis.fetch) {
    const provider = createOpenAI({ baseURL: this.options.baseURL, apiKey: this.options.apiKey, fetch });
    return this.options.wire === 'chat' ? provider.chat(this.modelId) : provider.responses(this.modelId);
  }

  /** A whole answer at once is no hot path: the stock model gives it. */
  doGenerate(options: LanguageModelV4CallOptions) {
    return this.stock(this.options.fetch).doGenerate(options);
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    // The stock model builds and sends the request and judges a failed answer. A successful
    // answer's body is kept here, and the stock model is handed an empty one to parse.
    let answer: { url: string; body: ReadableStream<Uint8Array>; headers: Record<string, string> } | undefined;
    try {
      const stock = await this.stock(async (input, init) => {
        const response = await this.options.fetch(input, init);
        if (!response.ok || !response.body) return response;
        answer = {
          url: String(input instanceof Request ? input.url : input),
          body: response.body,
          headers: Object.fromEntries(response.headers),
        };
        return new Response('', { status: response.status, headers: response.headers });
      }).doStream(options);
      const warnings = await streamStartWarnings(stock.stream);
      if (!answer) throw new Error('The model answered without a body');
      const to: AnswerTo = { url: answer.url, requestBody: stock.request?.body, responseHeaders: answer.headers };
      return {
        stream: partStream(answer.body, this.options.wire, warnings, to),
        request: stock.request,
        response: { headers: answer.headers },
      };
    } catch (error) {
      await answer?.body.cancel(error).catch(() => {}); // the connection is not left open
      throw error;
    }
  }
}

/** The warnings the stock model found in the call options (its first part); the rest is dropped. */
async function streamStartWarnings(stream: ReadableStream<LanguageModelV4StreamPart>): Promise<SharedV4Warning[]> {
  const reader = stream.getReader();
  try {
    const first = await reader.read();
    return !first.done && first.value.type === 'stream-start' ? first.value.warnings : [];
  } finally {
    await reader.cancel();
  }
}

/**
 * The answer's SSE body as stream parts. Each `pull` reads the body until a read yields parts,
 * and enqueues them all at once. Nothing is read ahead of the reader (the default high-water
 * mark), so a failed read (connection lost, model silent, aborted), which errors the stream with
 * its error as the stock model's does, reaches the reader after every part that came before it.
 */
export function partStream(
  body: ReadableStream<Uint8Array>,
  wire: OpenAIWire,
  warnings: SharedV4Warning[],
  to: AnswerTo,
): ReadableStream<LanguageModelV4StreamPart> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const batch = new DeltaBatch();
  const events = (wire === 'chat' ? chatCompletionsEvents : responsesEvents)(batch.emit, to);
  // An event's name is not read: the Responses API repeats it as `type` in the data.
  const sse = new SseParser(({ data }) => {
    if (data === '[DONE]') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (cause) {
      return events.fail(new JSONParseError({ text: data, cause }));
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return events.fail(new JSONParseError({ text: data, cause: new TypeError('not a JSON object') }));
    try {
      events.event(parsed as Record<string, unknown>);
    } catch (cause) {
      // An event no check foresaw: reported like one of the wrong shape, the rest still read.
      events.fail(invalidEvent(parsed, cause instanceof Error ? cause.message : String(cause)));
    }
  });

  return new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
    },
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            sse.push(decoder.decode());
            sse.end();
            events.end();
            batch.flushInto(controller);
            controller.close();
            return;
          }
          sse.push(decoder.decode(value, { stream: true }));
          if (batch.flushInto(controller) > 0) return;
        }
      } catch (error) {
        await reader.cancel(error).catch(() => {});
        throw error;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * The parts of one read, with consecutive text (or reasoning) deltas of the same part joined:
 * they arrived at the same moment, so the reader gets every token, in order, and none later.
 */
class DeltaBatch {
  private parts: LanguageModelV4StreamPart[] = [];

  readonly emit: Emit = (part) => {
    const last = this.parts.at(-1);
    if (
      last &&
      (part.type === 'text-delta' || part.type === 'reasoning-delta') &&
      last.type === part.type &&
      last.id === part.id &&
      !last.providerMetadata &&
      !part.providerMetadata
    ) {
      this.parts[this.parts.length - 1] = { ...last, delta: last.delta + part.delta };
      return;
    }
    this.parts.push(part);
  };

  /** Enqueues what this read gave; how many parts. */
  flushInto(controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>): number {
    const count = this.parts.length;
    for (const part of this.parts) controller.enqueue(part);
    this.parts = [];
    return count;
  }
}
