import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeFrame } from '../lib/protocols/sse';

/** What the upstream reads of a Chat Completions request. */
export interface UpstreamRequest {
  messages: { role: string; content: unknown }[];
}

/**
 * The benchmark's model: an OpenAI-compatible Chat Completions server that streams `tokens` tokens
 * per answer, `paceMs` apart (0: back to back), with usage at the end. Tokens are numbered
 * (`t0 t1 …`) so a client can check it got every one, in order. Any request body is accepted;
 * `onRequest`, when given, sees each one parsed (to check what the product sent, e.g. the history).
 */
export async function startUpstream(
  tokens: number,
  paceMs: number,
  onRequest?: (body: UpstreamRequest) => void,
): Promise<{ baseURL: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) if (onRequest) body += chunk;
    if (onRequest) onRequest(JSON.parse(body) as UpstreamRequest);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const base = { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'bench' };
    const send = (delta: unknown, finish: string | null = null) =>
      res.write(encodeFrame({ data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] } }));
    send({ role: 'assistant', content: '' });
    for (let i = 0; i < tokens && !res.destroyed; i++) {
      send({ content: ` t${i}` });
      if (paceMs) await new Promise((r) => setTimeout(r, paceMs));
    }
    send({}, 'stop');
    res.write(
      encodeFrame({ data: { ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: tokens, total_tokens: tokens + 10 } } }),
    );
    res.end('data: [DONE]\n\n');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The product's settings for a bench run against `baseURL`: production's defaults (LOG_LEVEL info:
 * every request and stream logged) with the limits off, since the floor has none.
 */
export const productSettings = (baseURL: string): Record<string, string> => ({
  MODEL: 'openai-chat:bench',
  OPENAI_BASE_URL: baseURL,
  OPENAI_API_KEY: 'sk-bench',
  RATE_LIMIT_PER_MINUTE: '0',
  MAX_CONCURRENT_STREAMS: '0',
  MAX_OPEN_STREAMS: '0',
  DAILY_TOKEN_BUDGET: '0',
});
