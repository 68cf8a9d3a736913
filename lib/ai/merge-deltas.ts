// Fewer stream parts, same tokens. A model's reply arrives as one SSE event per token; under load
// many of them arrive in one socket read, and each would walk the AI SDK's whole chain of streams
// on its own, which is where a relay's time goes. This wraps the provider's `fetch` so that text
// deltas that arrive together (in one read, one after another, of the same output) reach the SDK
// as one event. Nothing is held back: every complete event of a read goes on in that read, and
// anything that is not a plain text delta (tool calls, usage, finish reasons, errors) passes
// through unchanged, in order.

type Json = Record<string, unknown>;

/** A wire's plain text delta: the key its run of deltas shares, and how to append one to another. */
interface TextDeltaWire {
  /** The delta's text and what must match to merge it, or undefined when it is not a plain text delta. */
  read(event: Json): { key: string; text: string } | undefined;
  append(into: Json, text: string): void;
}

const isAbsent = (value: unknown) => value === undefined || value === null;

/** Chat Completions: `choices: [{ index, delta: { content }, finish_reason: null }]`. */
const chatCompletions: TextDeltaWire = {
  read(event) {
    const choices = event.choices;
    if (!Array.isArray(choices) || choices.length !== 1 || !isAbsent(event.usage)) return undefined;
    const choice = choices[0] as Json;
    if (!isAbsent(choice.finish_reason) || !isAbsent(choice.logprobs)) return undefined;
    const delta = choice.delta as Json | undefined;
    if (!delta || typeof delta.content !== 'string') return undefined;
    for (const field in delta) if (field !== 'content' && !isAbsent(delta[field])) return undefined;
    return { key: `chat\0${String(event.id)}\0${String(choice.index)}`, text: delta.content };
  },
  append(into, text) {
    ((into.choices as Json[])[0]!.delta as Json).content += text;
  },
};

/** Responses API: `{ type: 'response.output_text.delta', item_id, output_index, content_index, delta }`. */
const responses: TextDeltaWire = {
  read(event) {
    if (event.type !== 'response.output_text.delta' || typeof event.delta !== 'string') return undefined;
    if (Array.isArray(event.logprobs) ? event.logprobs.length > 0 : !isAbsent(event.logprobs)) return undefined;
    return { key: `responses\0${String(event.item_id)}\0${String(event.output_index)}\0${String(event.content_index)}`, text: event.delta };
  },
  append(into, text) {
    into.delta += text;
  },
};

function readTextDelta(event: Json): { wire: TextDeltaWire; key: string; text: string } | undefined {
  for (const wire of [chatCompletions, responses]) {
    const delta = wire.read(event);
    if (delta) return { wire, ...delta };
  }
  return undefined;
}

/** The events of one read with runs of text deltas merged, as SSE text. */
function mergeTextDeltas(events: string[]): string {
  let out = '';
  let pending: { name: string | undefined; json: Json; wire: TextDeltaWire; key: string } | undefined;
  const flush = () => {
    if (pending) out += `${pending.name === undefined ? '' : `event: ${pending.name}\n`}data: ${JSON.stringify(pending.json)}\n\n`;
    pending = undefined;
  };
  for (const raw of events) {
    const event = parseEvent(raw);
    const delta = event && readTextDelta(event.json);
    const key = delta && `${event.name ?? ''}\0${delta.key}`;
    if (pending && delta && pending.key === key) {
      pending.wire.append(pending.json, delta.text);
      continue;
    }
    flush();
    if (delta && event && key) pending = { ...event, wire: delta.wire, key };
    else out += `${raw}\n\n`;
  }
  flush();
  return out;
}

/**
 * An event of one `data:` line holding a JSON object, after an optional `event:` line (the
 * Responses API names each event), or undefined.
 */
function parseEvent(raw: string): { name: string | undefined; json: Json } | undefined {
  let name: string | undefined;
  let data = raw;
  if (raw.startsWith('event:')) {
    const end = raw.indexOf('\n');
    if (end === -1) return undefined;
    name = raw.slice(6, end).trim();
    data = raw.slice(end + 1);
  }
  if (!data.startsWith('data:') || data.includes('\n')) return undefined;
  const text = data.slice(data[5] === ' ' ? 6 : 5);
  if (text[0] !== '{') return undefined;
  try {
    return { name, json: JSON.parse(text) as Json };
  } catch {
    return undefined; // left for the provider to report
  }
}

/**
 * An SSE body with text deltas merged per read. Complete events go on at once; an event cut by the
 * read's end waits for the rest of it. A stream framed with bare `\r` line ends (legal, never seen
 * from a model server) is passed through as it is.
 */
export function mergingEventStream(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  let passThrough = false;
  return new TransformStream({
    transform(chunk, controller) {
      if (passThrough) return controller.enqueue(chunk);
      buffer += decoder.decode(chunk, { stream: true });
      if (/\r(?!\n|$)/.test(buffer)) {
        passThrough = true;
        controller.enqueue(encoder.encode(buffer));
        buffer = '';
        return;
      }
      if (buffer.includes('\r\n')) buffer = buffer.replaceAll('\r\n', '\n');
      const end = buffer.lastIndexOf('\n\n');
      if (end === -1) return;
      const complete = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      controller.enqueue(encoder.encode(mergeTextDeltas(complete.split('\n\n'))));
    },
    flush(controller) {
      const rest = buffer + decoder.decode();
      if (rest) controller.enqueue(encoder.encode(rest));
    },
  });
}

/** A `fetch` whose event-stream responses have their text deltas merged per read. */
export function mergingFetch(base: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body || !type.startsWith('text/event-stream')) return response;
    const headers = new Headers(response.headers);
    headers.delete('content-length'); // merging changes it
    return new Response(response.body.pipeThrough(mergingEventStream()), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}
