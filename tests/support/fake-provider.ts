import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encodeFrame } from '../../lib/protocols/sse';

/**
 * What the fake model servers share (fake-openai.ts, fake-anthropic.ts, fake-gemini.ts): an HTTP
 * server on 127.0.0.1 that records every request, and one script, read from directives in the
 * last user message, that each wire then speaks in its own format. One server serves every test,
 * so tests can run side by side:
 *   [[status 429]]        answer that HTTP status with the wire's error body and a short wait
 *                         (`retry-after-ms: 1`, or the wire's own way to say it);
 *                         `[[status 429 retry-after=30]]` asks for 30 s, `[[status 429 bare]]`
 *                         names no wait; `[[status 429 quota]]` is OpenAI's out-of-quota answer
 *   [[fail-once 401]]     answer that status the first time this message is seen, then reply
 *                         (takes the same options as status)
 *   [[cut]]               stream a few tokens, then drop the connection
 *   [[hang]]              stream a few tokens, then go silent with the connection open
 *   [[ping]]              stream a few tokens, then only SSE comments (`: ping`), every 200 ms
 *   [[silent]]            answer 200 and its headers, then send nothing
 *   [[stall]]             accept the request and never answer, not even the headers
 *   [[bad-json]]          stream a few tokens, a chunk that is not JSON, then the rest
 *   [[bad-shape]]         stream a few tokens, a JSON chunk of the wrong shape, then the rest
 *   [[slow]], [[slow MS]] stream a 200-token reply, one token every 40 ms (or MS)
 *   [[stream-error]]      stream a few tokens, then the wire's in-stream error
 *   [[call NAME {json}]]  call tool NAME with those arguments (then echo the tool's result);
 *                         `[[call NAME {json} | NAME {json}]]` makes the calls in parallel, in one turn
 *   [[refuse]]            refuse, a few tokens at a time (OpenAI's refusal fields)
 *   [[bad-report]]        with a JSON schema requested: a report whose confidence_score is 1.5
 *   [[think]]             (Responses only) stream a reasoning summary before the reply
 * Otherwise the reply is "Echo: <the message>", or a fixed report when a JSON schema is asked for
 * (one 8-character token every 15 ms, so its partial objects arrive one by one).
 * Every reply honours the request's output-token limit and reports usage.
 */

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The client closed the connection before the reply was complete. */
  closedEarly: boolean;
}

export interface FakeProvider {
  /** The base URL the provider is configured with. */
  baseURL: string;
  requests: RecordedRequest[];
  /** Requests whose reply is still being written (or never will be). */
  openRequests(): number;
  /** Connections open to this server (kept-alive idle ones included). */
  openSockets(): number;
  close(): Promise<void>;
}

export const PROMPT_TOKENS = 21;

export const REFUSAL = 'I can’t help with that request.';

export const FAKE_REPORT = {
  title: 'Tidal energy',
  summary: 'Tidal power is predictable but costly to build.',
  key_findings: ['Tides are predictable', 'Sites are scarce'],
  confidence_score: 0.8,
};

export type TextReply = {
  kind: 'text';
  tokens: string[];
  pace: number;
  ending: Ending;
  reasoning?: string[];
  malformed?: 'json' | 'shape';
};
type ToolReply = { kind: 'tool'; calls: Array<{ name: string; args: string }> };
type RefusalReply = { kind: 'refusal'; tokens: string[] };
/** An HTTP error: the status, and the wait to ask for (seconds, as text), none, or a short one. */
export type StatusReply = { kind: 'status'; status: number; wait: 'short' | 'none' | string; code?: string };

type Reply = TextReply | ToolReply | RefusalReply | StatusReply | { kind: 'silent' } | { kind: 'stall' };

type Ending = 'finish' | 'cut' | 'hang' | 'ping' | 'error';

/** What the request asks for, read by each wire from its own format. */
interface Ask {
  userText: string;
  toolResult: string | undefined;
  wantsJson: boolean;
  tools: string[];
}

/** One wire format: how a request reads, and how replies and errors are written. */
export interface Wire {
  read(body: Record<string, unknown>): Ask;
  /** The output-token limit the request sets, if any. */
  limit(body: Record<string, unknown>): number | undefined;
  write(res: ServerResponse, reply: TextReply | ToolReply | RefusalReply, limit: number, body: Record<string, unknown>): Promise<void>;
  sendError(res: ServerResponse, error: StatusReply): void;
}

/** Serves `wireFor(path)`'s wire on each POST; `basePath` is where the provider's base URL points. */
export async function startFakeServer(basePath: string, wireFor: (path: string) => Wire | undefined): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const seen = new Set<string>();
  let open = 0;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const record: RecordedRequest = { path: req.url ?? '', headers: req.headers, body, closedEarly: false };
    requests.push(record);
    open++;
    res.on('close', () => {
      open--;
      if (!res.writableFinished) record.closedEarly = true;
    });

    const wire = req.method === 'POST' ? wireFor(req.url ?? '') : undefined;
    if (!wire) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: 'Unknown endpoint' } }));
    }
    const reply = plan(wire.read(body), seen);
    if (reply.kind === 'status') return wire.sendError(res, reply);
    if (reply.kind === 'stall') return; // the request stays open, unanswered
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (reply.kind === 'silent') return void res.flushHeaders();
    await wire.write(res, reply, wire.limit(body) ?? Number.POSITIVE_INFINITY, body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}${basePath}`,
    requests,
    openRequests: () => open,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function plan(ask: Ask, seen: Set<string>): Reply {
  const directive = (name: string) => new RegExp(`\\[\\[${name}(?:\\s+([^\\]]*))?\\]\\]`).exec(ask.userText);
  const plain = ask.userText.replace(/\s*\[\[[^\]]*\]\]\s*/g, ' ').trim();

  const status = directive('status');
  if (status) return statusReply(status[1]);
  const failOnce = directive('fail-once');
  if (failOnce && !seen.has(ask.userText)) {
    seen.add(ask.userText);
    return statusReply(failOnce[1]);
  }
  if (directive('stall')) return { kind: 'stall' };
  if (directive('silent')) return { kind: 'silent' };
  if (ask.toolResult !== undefined) return text(`The tool said: ${ask.toolResult}`);
  const call = directive('call');
  if (call?.[1]) {
    const calls = call[1].split(' | ').map((spec) => {
      const [name = '', ...args] = spec.trim().split(' ');
      return { name, args: args.join(' ') };
    });
    if (calls.every(({ name }) => ask.tools.includes(name))) return { kind: 'tool', calls };
  }
  if (directive('refuse')) return { kind: 'refusal', tokens: REFUSAL.match(/\s*\S+/g) ?? [] };
  if (ask.wantsJson) {
    const report = directive('bad-report') ? { ...FAKE_REPORT, confidence_score: 1.5 } : FAKE_REPORT;
    // Paced so that, even on a busy machine, the title arrives in a read of its own before the
    // summary starts (the server merges deltas that arrive in one read).
    return { kind: 'text', tokens: JSON.stringify(report).match(/.{1,8}/g) ?? [], pace: 15, ending: 'finish' };
  }
  const slow = directive('slow');
  if (slow) return text(Array.from({ length: 200 }, (_, i) => `word${i}`).join(' '), Number(slow[1]) || 40);
  const ending = directive('cut')
    ? 'cut'
    : directive('hang')
      ? 'hang'
      : directive('ping')
        ? 'ping'
        : directive('stream-error')
          ? 'error'
          : 'finish';
  const reasoning = directive('think') ? ['Thinking', ' it', ' over.'] : undefined;
  const malformed = directive('bad-json') ? 'json' : directive('bad-shape') ? 'shape' : undefined;
  return { ...text(`Echo: ${plain}`, 0, ending), reasoning, malformed };
}

/** `429`, `429 retry-after=30`, `429 bare` or `429 quota`: the status and the wait it asks for. */
function statusReply(spec = ''): StatusReply {
  const [code = '500', option] = spec.split(/\s+/);
  if (option === 'quota') return { kind: 'status', status: Number(code), wait: 'none', code: 'insufficient_quota' };
  const retryAfter = /^retry-after=(\S+)$/.exec(option ?? '')?.[1];
  return { kind: 'status', status: Number(code), wait: retryAfter ?? (option === 'bare' ? 'none' : 'short') };
}

function text(reply: string, pace = 0, ending: Ending = 'finish'): TextReply {
  return { kind: 'text', tokens: reply.match(/\s*\S+/g) ?? [], pace, ending };
}

/** How a wire writes each piece of a text reply. */
export interface TokenWriter {
  token(token: string): void;
  streamError(): void;
  malformed(kind: 'json' | 'shape'): void;
  /** Ends the body (after the stream error too). */
  end(): void;
}

/** Streams the reply's tokens up to `limit`; undefined when the reply ended abnormally. */
export async function streamTokens(res: ServerResponse, reply: TextReply, limit: number, writer: TokenWriter): Promise<number | undefined> {
  const tokens = reply.tokens.slice(0, limit);
  const early = reply.ending === 'finish' ? tokens.length : Math.min(3, tokens.length);
  for (const [i, token] of tokens.slice(0, early).entries()) {
    if (res.destroyed) return undefined;
    if (i === 3 && reply.malformed) writer.malformed(reply.malformed);
    writer.token(token);
    if (reply.pace) await new Promise((resolve) => setTimeout(resolve, reply.pace));
  }
  if (reply.ending === 'cut') {
    // Let the tokens reach the client first, then drop the connection without ending the body.
    await new Promise((resolve) => setTimeout(resolve, 50));
    res.socket?.destroy();
    return undefined;
  }
  if (reply.ending === 'hang') return undefined; // the connection stays open, silent
  if (reply.ending === 'ping') {
    // A gateway keeping the line open while nothing comes from the model.
    const ping = setInterval(() => (res.destroyed ? clearInterval(ping) : res.write(': ping\n\n')), 200);
    res.once('close', () => clearInterval(ping));
    return undefined;
  }
  if (reply.ending === 'error') {
    writer.streamError();
    writer.end();
    return undefined;
  }
  return tokens.length;
}

export function send(res: ServerResponse, data: unknown, event?: string) {
  if (!res.destroyed) res.write(encodeFrame({ event, data }));
}

/** Text written as it is: the malformed frames of [[bad-json]], which no encoder would write. */
export function sendRaw(res: ServerResponse, text: string) {
  if (!res.destroyed) res.write(text);
}

export function end(res: ServerResponse) {
  if (!res.destroyed) res.end();
}

/** An error answer: the status, a JSON body and headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Where the text of a user message's content is, for the wires whose content is a string or parts with `text`. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: string }) => part.text ?? '').join('');
}
