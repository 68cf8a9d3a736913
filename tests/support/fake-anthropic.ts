import type { ServerResponse } from 'node:http';
import {
  contentText,
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
 * A fake Anthropic Messages API on 127.0.0.1 (`POST /v1/messages`, streamed), scripted like the
 * other fakes (fake-provider.ts). It speaks what @ai-sdk/anthropic's stream schema reads:
 * `message_start` (input usage), `content_block_start` / `content_block_delta` (`text_delta`, or
 * `input_json_delta` for a `tool_use`) / `content_block_stop`, a `ping`, `message_delta` with the
 * `stop_reason` (`end_turn`, `max_tokens`, `tool_use`) and the output usage, `message_stop`; an
 * `error` event for `[[stream-error]]` (`overloaded_error`). A report is text when the request asks
 * for `output_config.format` (models with native structured output), or the input of a `tool_use`
 * named `json` when it forces that tool (older models; `tool_choice: any` with it alone). HTTP errors carry Anthropic's error body;
 * a 429 names its wait in `retry-after` (seconds), `0` unless the script asks for more.
 */

export function startFakeAnthropic(): Promise<FakeProvider> {
  return startFakeServer('/v1', (path) => (path === '/v1/messages' ? messagesWire : undefined));
}

type Block = { type: string; text?: string; content?: unknown };
type Message = { role: string; content: string | Block[] };

const blocks = (message: Message | undefined): Block[] =>
  typeof message?.content === 'string' ? [{ type: 'text', text: message.content }] : (message?.content ?? []);

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * Whether the request forces the `json` tool (structured output for models without native
 * support): @ai-sdk/anthropic offers it alone with `tool_choice: {type: "any"}`.
 */
const wantsJsonTool = (body: Record<string, unknown>) => {
  const choice = body.tool_choice as { type?: string; name?: string } | undefined;
  const tools = ((body.tools ?? []) as { name: string }[]).map((t) => t.name);
  return tools.includes('json') && (choice?.type === 'any' ? tools.length === 1 : choice?.type === 'tool' && choice.name === 'json');
};

const messagesWire: Wire = {
  read(body) {
    const messages = (body.messages ?? []) as Message[];
    const results = blocks(messages.at(-1)).filter((block) => block.type === 'tool_result');
    const format = (body.output_config as { format?: { type?: string } } | undefined)?.format;
    return {
      // The last text block: the SDK joins consecutive user messages (shared data, a question
      // after a failed reply) into one message of several blocks.
      userText: contentText(
        blocks(messages.findLast((m) => m.role === 'user' && blocks(m).some((b) => b.type === 'text')))
          .filter((b) => b.type === 'text')
          .slice(-1),
      ),
      toolResult: results.length > 0 ? contentText(results.at(-1)?.content) : undefined,
      wantsJson: format?.type === 'json_schema' || wantsJsonTool(body),
      tools: ((body.tools ?? []) as { name: string }[]).map((t) => t.name),
    };
  },
  limit: (body) => (typeof body.max_tokens === 'number' ? body.max_tokens : undefined),
  sendError(res: ServerResponse, { status, wait }: StatusReply) {
    const headers: Record<string, string> = { 'request-id': 'req_fake' };
    if (wait !== 'none') headers['retry-after'] = wait === 'short' ? '0' : wait;
    const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    sendJson(res, status, { type: 'error', error: { type, message: `simulated ${status}` } }, headers);
  },
  async write(res, reply, limit, body) {
    const event = (type: string, data: Record<string, unknown> = {}) => send(res, { type, ...data }, type);
    const finish = (stopReason: string, output: number) => {
      event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: output } });
      event('message_stop');
      end(res);
    };
    event('message_start', {
      message: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: PROMPT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    });

    if (reply.kind === 'tool') {
      // Each call is a tool_use block whose input arrives as JSON in pieces, as Anthropic sends it.
      for (const [index, { name, args }] of reply.calls.entries()) {
        event('content_block_start', { index, content_block: { type: 'tool_use', id: `toolu_${index + 1}`, name, input: {} } });
        const half = Math.ceil(args.length / 2);
        for (const partial_json of ['', args.slice(0, half), args.slice(half)])
          event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
        event('content_block_stop', { index });
      }
      return finish('tool_use', 9 * reply.calls.length);
    }

    const asTool = reply.kind === 'text' && wantsJsonTool(body);
    event('content_block_start', {
      index: 0,
      content_block: asTool ? { type: 'tool_use', id: 'toolu_json', name: 'json', input: {} } : { type: 'text', text: '' },
    });
    event('ping');
    const delta = (piece: string) =>
      event('content_block_delta', {
        index: 0,
        delta: asTool ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece },
      });
    if (reply.kind === 'refusal') {
      for (const token of reply.tokens) delta(token);
      event('content_block_stop', { index: 0 });
      return finish('refusal', reply.tokens.length);
    }
    const sent = await streamTokens(res, reply, limit, {
      token: delta,
      streamError: () => event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
      malformed: (kind) =>
        kind === 'json'
          ? sendRaw(res, 'event: content_block_delta\ndata: {"type":"content_block_delta","index":\n\n')
          : event('content_block_delta', { index: 'first', delta: 42 }),
      end: () => end(res),
    });
    if (sent === undefined) return;
    event('content_block_stop', { index: 0 });
    finish(sent < reply.tokens.length ? 'max_tokens' : asTool ? 'tool_use' : 'end_turn', sent);
  },
};
