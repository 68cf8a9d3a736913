import type { LanguageModelV4CallOptions, LanguageModelV4Message } from '@ai-sdk/provider';
import { readAppData } from '../app-data';
import { productMentionedIn } from '../catalogue';
import type { ResearchReport } from '../report';

// What the offline model says, decided from the prompt alone, so the same request always gets the
// same reply. It plays the three roles a real model plays here: answer in prose, fill in the
// report schema, and call a tool (`lookup_price`, or a tool the client offers when the question
// names it) then answer from its result.

export type Script = { kind: 'text'; text: string } | { kind: 'tool-call'; toolName: string; input: string };

const SIGN_OFF = 'Set OPENAI_API_KEY (or OPENAI_BASE_URL and MODEL) to stream answers from a real model.';

export function compose(options: LanguageModelV4CallOptions): Script {
  const last = options.prompt.at(-1);
  if (last?.role === 'tool') return { kind: 'text', text: answerFromToolResults(last) };

  const question = textOf(lastMessage(options.prompt, 'user'));
  if (options.responseFormat?.type === 'json') {
    return { kind: 'text', text: JSON.stringify(composeReport(question)) };
  }
  const offered = options.tools?.flatMap((t) => (t.type === 'function' ? [t] : [])) ?? [];
  const named = offered.find((t) => t.name !== 'lookup_price' && question.includes(t.name));
  if (named) return { kind: 'tool-call', toolName: named.name, input: JSON.stringify(sampleInput(named.inputSchema, question)) };
  if (offered.some((t) => t.name === 'lookup_price') && asksForPrice(question)) {
    const product = productMentionedIn(question)?.product ?? guessProductName(question);
    return { kind: 'tool-call', toolName: 'lookup_price', input: JSON.stringify({ product }) };
  }
  return { kind: 'text', text: composeAnswer(question, earlierQuestions(options.prompt), sharedContext(options.prompt)) };
}

function composeReport(topic: string): ResearchReport {
  const subject = shorten(topic, 60);
  const seed = hash(topic);
  return {
    title: `Research brief: ${subject}`,
    summary:
      `A short overview of ${subject}, composed locally by Streamwright's offline model. ` +
      'It shows how a structured report fills in field by field; it is not research.',
    key_findings: pick(FINDINGS, seed, 3),
    confidence_score: Math.round((0.35 + (seed % 40) / 100) * 100) / 100,
  };
}

function composeAnswer(question: string, earlier: string[], context: string[]): string {
  const opening = /^\s*(hello|hi|hey|good (morning|afternoon|evening))\b/i.test(question)
    ? "Hello! I'm Streamwright's built-in offline model."
    : `Here is a short reply about “${shorten(question, 80)}” from Streamwright's built-in offline model.`;
  const memory = earlier.length ? ` Earlier in this conversation you asked: “${shorten(earlier.at(-1) ?? '', 60)}”.` : '';
  const shared = context.length ? ` Your app shared: ${context.map((item) => `“${shorten(item, 60)}”`).join(', ')}.` : '';
  const [first, second] = pick(REMARKS, hash(question), 2);
  return `${opening}${memory}${shared} ${first} ${second} ${SIGN_OFF}`;
}

function answerFromToolResults(message: Extract<LanguageModelV4Message, { role: 'tool' }>): string {
  const answers = message.content.flatMap((part) => {
    if (part.type !== 'tool-result') return [];
    const output = part.output;
    const value = 'value' in output ? output.value : undefined;
    if (part.toolName !== 'lookup_price') {
      return [
        `The ${part.toolName} tool answered: ${shorten(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'nothing'), 200)}.`,
      ];
    }
    if (output.type === 'json' && isPrice(value)) {
      return [`According to the catalogue, the ${value.product} costs ${value.price.toFixed(2)} ${value.currency}.`];
    }
    const reason = typeof value === 'string' ? value : 'no result';
    return [`I could not find that price: ${reason.replace(/^Error:\s*/, '')}.`];
  });
  const tools = [...new Set(message.content.flatMap((part) => (part.type === 'tool-result' ? [part.toolName] : [])))];
  return `${answers.join(' ')} (Answered by Streamwright's offline model from the ${tools.join(' and ')} tool.)`;
}

const asksForPrice = (text: string) => /\b(price|prices|cost|costs|how much)\b/i.test(text);

function guessProductName(text: string): string {
  const patterns = [
    /\b(?:price|cost)s?\s+(?:of|for)\s+(?:an?\s+|the\s+)?([^?.!,]+)/i,
    /\b(?:does|do|is|are)\s+(?:an?\s+|the\s+)?([^?.!,]+?)\s+cost/i,
    /\bhow much (?:is|are)\s+(?:an?\s+|the\s+)?([^?.!,]+)/i,
  ];
  const named = patterns.map((p) => p.exec(text)?.[1]).find(Boolean);
  return shorten((named ?? text).trim(), 60);
}

function isPrice(value: unknown): value is { product: string; price: number; currency: string } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.product === 'string' && typeof v.price === 'number' && typeof v.currency === 'string';
}

function lastMessage(prompt: LanguageModelV4Message[], role: 'user') {
  return prompt.findLast((m) => m.role === role);
}

function earlierQuestions(prompt: LanguageModelV4Message[]): string[] {
  const users = prompt.filter((m) => m.role === 'user').map(textOf);
  return users.slice(0, -1).filter((text) => !readAppData(text));
}

/** The descriptions of the context items an application shared, if it shared any. */
function sharedContext(prompt: LanguageModelV4Message[]): string[] {
  for (const message of prompt) {
    if (message.role !== 'user') continue;
    const data = readAppData(textOf(message));
    if (data) return (data.context ?? []).map((item) => item.description);
  }
  return [];
}

/** Arguments that satisfy a simple JSON schema: each required field filled from the question. */
function sampleInput(schema: unknown, question: string): Record<string, unknown> {
  const { properties = {}, required = [] } = schema as { properties?: Record<string, { type?: string }>; required?: string[] };
  const sample = (type: string | undefined): unknown =>
    type === 'number' || type === 'integer'
      ? 1
      : type === 'boolean'
        ? true
        : type === 'array'
          ? []
          : type === 'object'
            ? {}
            : shorten(question, 200);
  return Object.fromEntries(required.map((name) => [name, sample(properties[name]?.type)]));
}

function textOf(message: LanguageModelV4Message | undefined): string {
  if (!message) return '';
  if (message.role === 'system') return message.content;
  return message.content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join(' ')
    .trim();
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** FNV-1a: a small, stable hash so the same prompt always picks the same sentences. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function pick(pool: readonly string[], seed: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => pool[(seed + i) % pool.length] ?? '');
}

const REMARKS = [
  'Every word you see arrives as its own server-sent event, just as a real model would stream it.',
  'The reply is composed from your words, so the same question always gets the same answer.',
  'It runs in the server process, needs no network and costs nothing, which makes it handy for demos and tests.',
  'Ask for the price of an espresso machine to watch a tool call and its result stream by.',
  'The structured endpoint fills a research report field by field from the same model.',
  'Token usage is counted and reported at the end of the stream, as it is for hosted models.',
  'A token budget caps the reply: ask for fewer tokens with max_tokens and the answer stops early.',
] as const;

const FINDINGS = [
  'Streaming the first words early matters more to readers than total generation time.',
  'Structured output lets a page render each field as soon as it is known.',
  'Tool calls let a model answer from live data instead of its training set.',
  'Capping output tokens bounds both cost and latency for every request.',
  'Keeping partial replies when a client disconnects avoids losing paid-for work.',
  'One event format for every client keeps frontends simple to build.',
  'Deterministic test models make streaming behaviour easy to verify.',
] as const;
