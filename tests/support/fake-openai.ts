import type { ServerResponse } from 'node:http';
import {
  contentText,
  end as endBody,
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

export { PROMPT_TOKENS, type RecordedRequest } from './fake-provider';

/**
 * A fake OpenAI-compatible server on 127.0.0.1 that speaks both wire protocols the product uses:
 * Chat Completions (`POST /v1/chat/completions`) and Responses (`POST /v1/responses`), streamed.
 * What it answers is scripted by directives in the last user message (fake-provider.ts). A 429
 * asks for its wait in `retry-after-ms` (`retry-after` for `[[status 429 retry-after=30]]`).
 */

export type FakeOpenAI = FakeProvider;

export function startFakeOpenAI(): Promise<FakeOpenAI> {
  return startFakeServer('/v1', (path) =>
    path === '/v1/chat/completions' ? chatWire : path === '/v1/responses' ? responsesWire : undefined,
  );
}

function limitOf(body: Record<string, unknown>): number | undefined {
  const limit = body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens;
  return typeof limit === 'number' ? limit : undefined;
}

function sendError(res: ServerResponse, { status, wait, code }: StatusReply) {
  const headers: Record<string, string> = wait === 'short' ? { 'retry-after-ms': '1' } : wait === 'none' ? {} : { 'retry-after': wait };
  const message = `simulated ${status}`;
  sendJson(res, status, { error: { message, type: code ?? 'invalid_request_error', code: code ?? null, param: null } }, headers);
}

// ---- Chat Completions -------------------------------------------------------------------------

type ChatMessage = { role: string; content: unknown };

const chatWire: Wire = {
  limit: limitOf,
  sendError,
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
    const sent = await streamTokens(res, reply, limit, {
      token: (token) => chunk({ content: token }),
      streamError: () => send(res, { error: { message: 'The server had an error', type: 'server_error', code: null, param: null } }),
      malformed: (kind) =>
        kind === 'json' ? sendRaw(res, 'data: {"choices":[{"delta":{"content":"oops\n\n') : send(res, { ...base, choices: 'none' }),
      end: () => end(res),
    });
    if (sent === undefined) return;
    chunk({}, sent < reply.tokens.length ? 'length' : 'stop');
    usage(sent);
    end(res);
  },
};

// ---- Responses ----------------------------------------------------------------------------------

type InputItem = { role?: string; type?: string; content?: unknown; output?: unknown };

const responsesWire: Wire = {
  limit: limitOf,
  sendError,
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
      return endBody(res);
    }
    if (reply.kind === 'refusal') {
      const message = { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] };
      const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };
      event('response.output_item.added', { output_index: 0, item: message });
      for (const delta of reply.tokens) event('response.refusal.delta', { ...at, delta });
      event('response.refusal.done', { ...at, refusal: reply.tokens.join('') });
      event('response.output_item.done', { output_index: 0, item: { ...message, status: 'completed' } });
      done(reply.tokens.length, false);
      return endBody(res);
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
    const sent = await streamTokens(res, reply, limit, {
      token: (delta) =>
        event('response.output_text.delta', { item_id: 'msg_1', output_index: outputIndex, content_index: 0, delta, logprobs: [] }),
      streamError: () => event('error', { code: 'server_error', message: 'The server had an error', param: null, sequence_number: 9 }),
      malformed: (kind) =>
        kind === 'json'
          ? sendRaw(res, 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n')
          : event('response.output_text.delta', { item_id: 7, output_index: 'first', content_index: 0, delta: 42 }),
      end: () => endBody(res),
    });
    if (sent === undefined) return;
    event('response.output_item.done', { output_index: outputIndex, item: { ...message, status: 'completed' } });
    done(sent, sent < reply.tokens.length);
    endBody(res);
  },
};

/** Chat Completions ends its stream with `data: [DONE]`. */
function end(res: ServerResponse) {
  if (!res.destroyed) res.write('data: [DONE]\n\n');
  endBody(res);
}
