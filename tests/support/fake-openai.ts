import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encodeFrame } from '../../lib/protocols/sse';

/**
 * A fake OpenAI-compatible server on 127.0.0.1 that speaks both wire protocols the product uses:
 * Chat Completions (`POST /v1/chat/completions`) and Responses (`POST /v1/responses`), streamed.
 *
 * What it does is chosen by directives in the last user message, so one server serves every test
 * and tests can run side by side:
 *   [[status 429]]        answer that HTTP status with an OpenAI-style error body and
 *                         `retry-after-ms: 1`; `[[status 429 retry-after=30]]` sends
 *                         `retry-after: 30` instead, `[[status 429 bare]]` neither;
 *                         `[[status 429 quota]]` is OpenAI's out-of-quota answer
 *                         (code `insufficient_quota`, no retry headers)
 *   [[fail-once 401]]     answer that status the first time this message is seen, then reply
 *                         (takes the same header options as status)
 *   [[cut]]               stream a few tokens, then drop the connection
 *   [[hang]]              stream a few tokens, then go silent with the connection open
 *   [[ping]]              stream a few tokens, then only SSE comments (`: ping`), every 200 ms
 *   [[silent]]            answer 200 and its headers, then send nothing
 *   [[stall]]             accept the request and never answer, not even the headers
 *   [[bad-json]]          stream a few tokens, a chunk that is not JSON, then the rest
 *   [[bad-shape]]         stream a few tokens, a JSON chunk of the wrong shape, then the rest
 *   [[slow]], [[slow MS]] stream a 200-token reply, one token every 40 ms (or MS)
 *   [[stream-error]]      stream a few tokens, then an in-stream error object
 *   [[call NAME {json}]]  call tool NAME with those arguments (then echo the tool's result);
 *                         `[[call NAME {json} | NAME {json}]]` makes the calls in parallel, in one turn
 *   [[refuse]]            refuse, in the wire's refusal field, a few tokens at a time
 *   [[bad-report]]        with a JSON schema requested: a report whose confidence_score is 1.5
 *   [[think]]             (Responses only) stream a reasoning summary before the reply
 * Otherwise the reply is "Echo: <the message>", or a fixed report when a JSON schema is asked for
 * (one 8-character token every 5 ms, so its partial objects arrive one by one).
 * Every reply honours the request's output-token limit and reports usage.
 */

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The client closed the connection before the reply was complete. */
  closedEarly: boolean;
}

export interface FakeOpenAI {
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

type Reply =
  | { kind: 'text'; tokens: string[]; pace: number; ending: Ending; reasoning?: string[]; malformed?: 'json' | 'shape' }
  | { kind: 'tool'; calls: Array<{ name: string; args: string }> }
  | { kind: 'refusal'; tokens: string[] }
  | { kind: 'status'; status: number; headers: Record<string, string>; code?: string }
  | { kind: 'silent' }
  | { kind: 'stall' };

type Ending = 'finish' | 'cut' | 'hang' | 'ping' | 'error';

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
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

    const wire = req.url === '/v1/chat/completions' ? chatWire : req.url === '/v1/responses' ? responsesWire : undefined;
    if (!wire || req.method !== 'POST') return sendError(res, 404, 'Unknown endpoint');
    const reply = plan(wire.read(body), seen);
    if (reply.kind === 'status') return sendError(res, reply.status, `simulated ${reply.status}`, reply.headers, reply.code);
    if (reply.kind === 'stall') return; // the request stays open, unanswered
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (reply.kind === 'silent') return void res.flushHeaders();
    await wire.write(res, reply, limitOf(body));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
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

/** What the request asks for, read the same way from either wire protocol. */
interface Ask {
  userText: string;
  toolResult: string | undefined;
  wantsJson: boolean;
  tools: string[];
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

/** `429`, `429 retry-after=30`, `429 bare` or `429 quota`: the status and the retry headers it is sent with. */
function statusReply(spec = ''): Extract<Reply, { kind: 'status' }> {
  const [code = '500', option] = spec.split(/\s+/);
  if (option === 'quota') return { kind: 'status', status: Number(code), headers: {}, code: 'insufficient_quota' };
  const retryAfter = /^retry-after=(\S+)$/.exec(option ?? '')?.[1];
  const headers: Record<string, string> =
    retryAfter !== undefined ? { 'retry-after': retryAfter } : option === 'bare' ? {} : { 'retry-after-ms': '1' };
  return { kind: 'status', status: Number(code), headers };
}

function text(reply: string, pace = 0, ending: Ending = 'finish'): Extract<Reply, { kind: 'text' }> {
  return { kind: 'text', tokens: reply.match(/\s*\S+/g) ?? [], pace, ending };
}

function limitOf(body: Record<string, unknown>): number {
  const limit = body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens;
  return typeof limit === 'number' ? limit : Number.POSITIVE_INFINITY;
}

interface Wire {
  read(body: Record<string, unknown>): Ask;
  write(res: ServerResponse, reply: Extract<Reply, { kind: 'text' | 'tool' | 'refusal' }>, limit: number): Promise<void>;
}

// ---- Chat Completions -------------------------------------------------------------------------

type ChatMessage = { role: string; content: unknown };

const chatWire: Wire = {
  read(body) {
    const messages = (body.messages ?? []) as ChatMessage[];
    const last = messages.at(-1);
    const format = body.response_format as { type?: string } | undefined;
    return {
      userText: contentText(messages.findLast((m) => m.role === 'user')?.content),
      toolResult: last?.role === 'tool' ? contentText(last.content) : undefined,
      wantsJson: format?.type === 'json_schema' || format?.type === 'json_object',
      tools: ((body.tools ?? []) as { function: { name: string } }[]).map((t) => t.function.name),
    };
  },
  async write(res, reply, limit) {
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'fake-model' };
    const chunk = (delta: unknown, finish: string | null = null) =>
      send(res, { ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
    const usage = (completion: number) =>
      send(res, {
        ...base,
        choices: [],
        usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: completion, total_tokens: PROMPT_TOKENS + completion },
      });

    if (reply.kind === 'tool') {
      chunk({ role: 'assistant', content: null });
      // Each call opens with its id and name, then its arguments in two pieces, as OpenAI sends them.
      for (const [index, { name, args }] of reply.calls.entries()) {
        chunk({ tool_calls: [{ index, id: `call_${index + 1}`, type: 'function', function: { name, arguments: '' } }] });
        const half = Math.ceil(args.length / 2);
        for (const piece of [args.slice(0, half), args.slice(half)]) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
      }
      chunk({}, 'tool_calls');
      usage(9 * reply.calls.length);
      return end(res);
    }
    if (reply.kind === 'refusal') {
      chunk({ role: 'assistant', content: null, refusal: '' });
      for (const token of reply.tokens) chunk({ refusal: token });
      chunk({}, 'stop');
      usage(reply.tokens.length);
      return end(res);
    }

    chunk({ role: 'assistant', content: '' });
    const sent = await streamTokens(
      res,
      reply,
      limit,
      (token) => chunk({ content: token }),
      () => send(res, { error: { message: 'The server had an error', type: 'server_error', code: null, param: null } }),
      (kind) =>
        kind === 'json' ? sendRaw(res, 'data: {"choices":[{"delta":{"content":"oops\n\n') : send(res, { ...base, choices: 'none' }),
    );
    if (sent === undefined) return;
    chunk({}, sent < reply.tokens.length ? 'length' : 'stop');
    usage(sent);
    end(res);
  },
};

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: string }) => part.text ?? '').join('');
}

// ---- Responses ----------------------------------------------------------------------------------

type InputItem = { role?: string; type?: string; content?: unknown; output?: unknown };

const responsesWire: Wire = {
  read(body) {
    const input = (body.input ?? []) as InputItem[];
    const last = input.at(-1);
    const format = (body.text as { format?: { type?: string } } | undefined)?.format;
    return {
      userText: contentText(input.findLast((item) => item.role === 'user')?.content),
      toolResult: last?.type === 'function_call_output' ? String(last.output) : undefined,
      wantsJson: format?.type === 'json_schema' || format?.type === 'json_object',
      tools: ((body.tools ?? []) as { name: string }[]).map((t) => t.name),
    };
  },
  async write(res, reply, limit) {
    const response = { id: 'resp_1', object: 'response', created_at: 1_700_000_000, model: 'fake-model' };
    const event = (type: string, data: Record<string, unknown>) => send(res, { type, ...data }, type);
    const done = (output: number, incomplete: boolean) =>
      event(incomplete ? 'response.incomplete' : 'response.completed', {
        response: {
          ...response,
          status: incomplete ? 'incomplete' : 'completed',
          incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
          usage: {
            input_tokens: PROMPT_TOKENS,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: output,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: PROMPT_TOKENS + output,
          },
        },
      });

    event('response.created', { response: { ...response, status: 'in_progress' } });
    if (reply.kind === 'tool') {
      for (const [index, { name, args }] of reply.calls.entries()) {
        const item = { type: 'function_call', id: `fc_${index + 1}`, call_id: `call_${index + 1}`, name, status: 'in_progress' };
        event('response.output_item.added', { output_index: index, item: { ...item, arguments: '' } });
        event('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: args });
        event('response.output_item.done', { output_index: index, item: { ...item, arguments: args, status: 'completed' } });
      }
      done(9 * reply.calls.length, false);
      return end(res);
    }
    if (reply.kind === 'refusal') {
      const message = { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] };
      const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };
      event('response.output_item.added', { output_index: 0, item: message });
      for (const delta of reply.tokens) event('response.refusal.delta', { ...at, delta });
      event('response.refusal.done', { ...at, refusal: reply.tokens.join('') });
      event('response.output_item.done', { output_index: 0, item: { ...message, status: 'completed' } });
      done(reply.tokens.length, false);
      return end(res);
    }

    let outputIndex = 0;
    if (reply.reasoning) {
      const item = { type: 'reasoning', id: 'rs_1', encrypted_content: null, summary: [] };
      const summary = { item_id: 'rs_1', output_index: 0, summary_index: 0 };
      event('response.output_item.added', { output_index: 0, item });
      event('response.reasoning_summary_part.added', { ...summary, part: { type: 'summary_text', text: '' } });
      for (const delta of reply.reasoning) event('response.reasoning_summary_text.delta', { ...summary, delta });
      const text = reply.reasoning.join('');
      event('response.reasoning_summary_part.done', { ...summary, part: { type: 'summary_text', text } });
      event('response.output_item.done', { output_index: 0, item: { ...item, summary: [{ type: 'summary_text', text }] } });
      outputIndex = 1;
    }
    const message = { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] };
    event('response.output_item.added', { output_index: outputIndex, item: message });
    const sent = await streamTokens(
      res,
      reply,
      limit,
      (delta) =>
        event('response.output_text.delta', { item_id: 'msg_1', output_index: outputIndex, content_index: 0, delta, logprobs: [] }),
      () => event('error', { code: 'server_error', message: 'The server had an error', param: null, sequence_number: 9 }),
      (kind) =>
        kind === 'json'
          ? sendRaw(res, 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n')
          : event('response.output_text.delta', { item_id: 7, output_index: 'first', content_index: 0, delta: 42 }),
    );
    if (sent === undefined) return;
    event('response.output_item.done', { output_index: outputIndex, item: { ...message, status: 'completed' } });
    done(sent, sent < reply.tokens.length);
    end(res);
  },
};

// ---- shared --------------------------------------------------------------------------------------

/** Streams the reply's tokens up to `limit`; undefined when the reply ended abnormally. */
async function streamTokens(
  res: ServerResponse,
  reply: Extract<Reply, { kind: 'text' }>,
  limit: number,
  sendToken: (token: string) => void,
  sendStreamError: () => void,
  sendMalformed: (kind: 'json' | 'shape') => void,
): Promise<number | undefined> {
  const tokens = reply.tokens.slice(0, limit);
  const early = reply.ending === 'finish' ? tokens.length : Math.min(3, tokens.length);
  for (const [i, token] of tokens.slice(0, early).entries()) {
    if (res.destroyed) return undefined;
    if (i === 3 && reply.malformed) sendMalformed(reply.malformed);
    sendToken(token);
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
    sendStreamError();
    end(res);
    return undefined;
  }
  return tokens.length;
}

function send(res: ServerResponse, data: unknown, event?: string) {
  if (!res.destroyed) res.write(encodeFrame({ event, data }));
}

/** Text written as it is: the malformed frames of [[bad-json]], which no encoder would write. */
function sendRaw(res: ServerResponse, text: string) {
  if (!res.destroyed) res.write(text);
}

function end(res: ServerResponse) {
  if (res.destroyed) return;
  if (res.req.url === '/v1/chat/completions') res.write('data: [DONE]\n\n');
  res.end();
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = { 'retry-after-ms': '1' },
  code: string | null = null,
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type: code ?? 'invalid_request_error', code, param: null } }));
}
