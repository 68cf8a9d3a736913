import type { ServerResponse } from 'node:http';
import {
  end,
  PROMPT_TOKENS,
  send,
  sendJson,
  sendRaw,
  startFakeServer,
  streamTokens,
  type FakeProvider,
  type StatusReply,
  type Wire,
} from './fake-provider';

/**
 * A fake Gemini API on 127.0.0.1 (`POST /v1beta/models/{model}:streamGenerateContent?alt=sse`),
 * scripted like the other fakes (fake-provider.ts). It speaks what @ai-sdk/google's chunk schema
 * reads: each SSE event a `GenerateContentResponse` whose `candidates[0].content.parts` hold text or
 * whole `functionCall`s (Gemini does not stream a call's arguments), the last one with its
 * `finishReason` (`STOP`, `MAX_TOKENS`), every one with the `usageMetadata` so far; an `error`
 * object for `[[stream-error]]`. A report is text when the request sets
 * `generationConfig.responseMimeType: application/json` (with its `responseJsonSchema`). HTTP
 * errors carry Google's error body (`code`, `status` such as `RESOURCE_EXHAUSTED`); a 429 names its
 * wait as Google does, in the body's `RetryInfo.retryDelay`, not in a header.
 */

export function startFakeGemini(): Promise<FakeProvider> {
  return startFakeServer('/v1beta', (path) => (GENERATE.test(path) ? geminiWire : undefined));
}

const GENERATE = /^\/v1beta\/models\/[^/:]+:streamGenerateContent\?alt=sse$/;

type Part = { text?: string; functionCall?: unknown; functionResponse?: { response?: { content?: unknown; error?: unknown } } };
type Content = { role: string; parts: Part[] };

const STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const geminiWire: Wire = {
  read(body) {
    const contents = (body.contents ?? []) as Content[];
    const responses = (contents.at(-1)?.parts ?? []).filter((part) => part.functionResponse);
    const config = (body.generationConfig ?? {}) as { responseMimeType?: string };
    const response = responses.at(-1)?.functionResponse?.response;
    return {
      userText: (contents.findLast((c) => c.role === 'user' && c.parts.some((p) => p.text !== undefined))?.parts ?? [])
        .map((p) => p.text ?? '')
        .join(''),
      toolResult: response ? asText(response.content ?? response.error) : undefined,
      wantsJson: config.responseMimeType === 'application/json',
      tools: ((body.tools ?? []) as { functionDeclarations?: { name: string }[] }[]).flatMap((t) =>
        (t.functionDeclarations ?? []).map((f) => f.name),
      ),
    };
  },
  limit: (body) => {
    const limit = (body.generationConfig as { maxOutputTokens?: unknown } | undefined)?.maxOutputTokens;
    return typeof limit === 'number' ? limit : undefined;
  },
  sendError(res: ServerResponse, { status, wait }: StatusReply) {
    const details =
      status === 429 && wait !== 'none'
        ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: wait === 'short' ? '0.001s' : `${wait}s` }]
        : undefined;
    const error = { code: status, message: `simulated ${status}`, status: STATUSES[status] ?? 'UNKNOWN', ...(details ? { details } : {}) };
    sendJson(res, status, { error });
  },
  async write(res, reply, limit) {
    const usage = (output: number) => ({
      promptTokenCount: PROMPT_TOKENS,
      candidatesTokenCount: output,
      totalTokenCount: PROMPT_TOKENS + output,
    });
    const chunk = (parts: Part[], output: number, finishReason?: string) =>
      send(res, {
        candidates: [{ content: { role: 'model', parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
        usageMetadata: usage(output),
        modelVersion: 'fake-model',
        responseId: 'resp_fake',
      });

    if (reply.kind === 'tool') {
      const parts = reply.calls.map(({ name, args }) => ({ functionCall: { name, args: JSON.parse(args) as unknown } }));
      chunk(parts, 9 * reply.calls.length, 'STOP');
      return end(res);
    }
    if (reply.kind === 'refusal') {
      chunk([{ text: reply.tokens.join('') }], reply.tokens.length, 'SAFETY');
      return end(res);
    }
    let written = 0;
    const sent = await streamTokens(res, reply, limit, {
      token: (text) => chunk([{ text }], ++written),
      streamError: () => send(res, { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } }),
      malformed: (kind) => (kind === 'json' ? sendRaw(res, 'data: {"candidates":[{"content":\n\n') : send(res, { candidates: 'none' })),
      end: () => end(res),
    });
    if (sent === undefined) return;
    chunk([{ text: '' }], sent, sent < reply.tokens.length ? 'MAX_TOKENS' : 'STOP');
    end(res);
  },
};
