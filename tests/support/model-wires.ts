import { startFakeAnthropic } from './fake-anthropic';
import { startFakeGemini } from './fake-gemini';
import { startFakeOpenAI } from './fake-openai';
import type { FakeProvider, RecordedRequest } from './fake-provider';

// The model wires the endpoint and AG-UI transcripts run on, each with its fake and how to read
// what the app sent it: one set of expectations (the fakes answer alike), each wire's own format.

type Body = Record<string, unknown>;

export interface WireUnderTest {
  /** As the test names say it. */
  name: string;
  /** The MODEL the app runs. */
  model: string;
  startFake(): Promise<FakeProvider>;
  settings(fake: FakeProvider): Record<string, string>;
  /** The upstream request path a run's model call takes. */
  path: string | RegExp;
  /** The header carrying the key, and its value. */
  key: [header: string, value: string];
  /** The output-token limit the request set. */
  limit(body: Body): unknown;
  /** Whether the request asked for a streamed answer. */
  streams(request: RecordedRequest): boolean;
  /** The instructions, as the request carried them. */
  system(body: Body): string;
  /** The conversation's roles (not the instructions), as user, assistant or tool. */
  roles(body: Body): string[];
  /** Each text part of the conversation, in order. */
  texts(body: Body): string[];
  /** The JSON schema a tool was offered with. */
  toolSchema(body: Body, name: string): unknown;
  /** How a request for a report asks for JSON against the schema. */
  asksForSchema: RegExp;
  /** What ties tool results to their calls in the answering request (ids), when the wire has them. */
  callIds: RegExp[];
  /** Whether the wire has a refusal field of its own (OpenAI's). */
  refusals: boolean;
  /** A status meaning "busy, try again" on this wire. */
  busyStatus: number;
}

const textOf = (content: unknown): string[] =>
  typeof content === 'string'
    ? [content]
    : Array.isArray(content)
      ? content.flatMap((part: { text?: unknown }) => (typeof part.text === 'string' ? [part.text] : []))
      : [];

type OpenAIItem = { role?: string; content?: unknown; type?: string };

export function openaiWire(prefix: 'openai' | 'openai-chat', provider: 'lean' | 'stock' = 'lean'): WireUnderTest {
  const items = (body: Body) => ((prefix === 'openai' ? body.input : body.messages) ?? []) as OpenAIItem[];
  const isSystem = (item: OpenAIItem) => item.role === 'system' || item.role === 'developer';
  return {
    name: `the OpenAI ${prefix === 'openai' ? 'Responses' : 'Chat Completions'} wire, ${provider} provider`,
    model: `${prefix}:fake-model`,
    startFake: startFakeOpenAI,
    settings: (fake) => ({ OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test', OPENAI_PROVIDER: provider }),
    path: prefix === 'openai' ? '/v1/responses' : '/v1/chat/completions',
    key: ['authorization', 'Bearer sk-test'],
    limit: (body) => body[prefix === 'openai' ? 'max_output_tokens' : 'max_tokens'],
    streams: (request) => request.body.stream === true,
    system: (body) =>
      items(body)
        .filter(isSystem)
        .flatMap((item) => textOf(item.content))
        .join('\n'),
    roles: (body) =>
      items(body).flatMap((item) => (isSystem(item) ? [] : [item.role ?? (item.type === 'function_call_output' ? 'tool' : 'assistant')])),
    texts: (body) => items(body).flatMap((item) => (isSystem(item) ? [] : textOf(item.content))),
    toolSchema: (body, name) =>
      ((body.tools ?? []) as Array<{ name?: string; parameters?: unknown; function?: { name: string; parameters: unknown } }>)
        .map((t) => (t.function ? { name: t.function.name, parameters: t.function.parameters } : t))
        .find((t) => t.name === name)?.parameters,
    asksForSchema: /json_schema/,
    callIds: [/call_1/, /call_2/],
    refusals: true,
    busyStatus: 503,
  };
}

type AnthropicMessage = { role: string; content: unknown };

/**
 * Anthropic's Messages API. Models with native structured output (claude-sonnet-4-5) are asked
 * for a report with `output_config.format`; older ones (claude-3-haiku) through a forced `json` tool.
 */
export function anthropicWire(modelId = 'claude-sonnet-4-5'): WireUnderTest {
  const native = !modelId.includes('claude-3');
  const messages = (body: Body) => (body.messages ?? []) as AnthropicMessage[];
  return {
    name: `the Anthropic Messages wire (${modelId})`,
    model: `anthropic:${modelId}`,
    startFake: startFakeAnthropic,
    settings: (fake) => ({ ANTHROPIC_BASE_URL: fake.baseURL, ANTHROPIC_API_KEY: 'sk-ant-test' }),
    path: '/v1/messages',
    key: ['x-api-key', 'sk-ant-test'],
    limit: (body) => body.max_tokens,
    streams: (request) => request.body.stream === true,
    system: (body) => textOf(body.system).join('\n'),
    roles: (body) => messages(body).map((m) => m.role),
    texts: (body) => messages(body).flatMap((m) => textOf(m.content)),
    toolSchema: (body, name) =>
      ((body.tools ?? []) as Array<{ name: string; input_schema: unknown }>).find((t) => t.name === name)?.input_schema,
    asksForSchema: native
      ? /"output_config":\{"format":\{"type":"json_schema"/
      : /"name":"json","description":"Respond with a JSON object.".*"tool_choice":\{"type":"any"/,
    callIds: [/toolu_1/, /toolu_2/],
    refusals: false,
    busyStatus: 529,
  };
}

type GeminiContent = { role: string; parts: Array<{ text?: unknown }> };

export function geminiWire(modelId = 'gemini-2.5-flash'): WireUnderTest {
  const contents = (body: Body) => (body.contents ?? []) as GeminiContent[];
  return {
    name: `the Gemini wire (${modelId})`,
    model: `google:${modelId}`,
    startFake: startFakeGemini,
    settings: (fake) => ({ GOOGLE_BASE_URL: fake.baseURL, GOOGLE_GENERATIVE_AI_API_KEY: 'g-test' }),
    path: new RegExp(`^/v1beta/models/${modelId.replace(/\./g, '\\.')}:streamGenerateContent\\?alt=sse$`),
    key: ['x-goog-api-key', 'g-test'],
    limit: (body) => (body.generationConfig as { maxOutputTokens?: unknown } | undefined)?.maxOutputTokens,
    streams: (request) => request.path.includes(':streamGenerateContent?alt=sse'),
    system: (body) => textOf((body.systemInstruction as { parts?: unknown } | undefined)?.parts).join('\n'),
    roles: (body) => contents(body).map((c) => (c.role === 'model' ? 'assistant' : c.role)),
    texts: (body) => contents(body).flatMap((c) => textOf(c.parts)),
    toolSchema: (body, name) =>
      ((body.tools ?? []) as Array<{ functionDeclarations?: Array<{ name: string; parametersJsonSchema: unknown }> }>)
        .flatMap((t) => t.functionDeclarations ?? [])
        .find((f) => f.name === name)?.parametersJsonSchema,
    asksForSchema: /"responseMimeType":"application\/json","responseJsonSchema":\{/,
    callIds: [],
    refusals: false,
    busyStatus: 503,
  };
}
