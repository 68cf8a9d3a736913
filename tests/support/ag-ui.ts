import assert from 'node:assert/strict';
import { HttpAgent, type BaseEvent, type RunAgentParameters } from '@ag-ui/client';
import { HttpAgent as LegacyHttpAgent } from 'agui-client-0059';
import type { RunningApp } from './app';

// Drives /api/ag-ui with the real AG-UI clients: @ag-ui/client 1.0, and 0.0.59, the version
// CopilotKit pins (stricter: it throws on 1.0-only outcome fields and unknown events). On top of
// the clients' own checks, each run is held to what they let through: the content type, `\n`
// framing, the first and last events and their ids, and not a single client warning.

export const CLIENTS = [
  { name: '@ag-ui/client 1.0', Agent: HttpAgent, protocolVersion: '1.0' },
  { name: '@ag-ui/client 0.0.59', Agent: LegacyHttpAgent as unknown as typeof HttpAgent, protocolVersion: undefined },
] as const;

export type Client = (typeof CLIENTS)[number];

export type AgUiEvent = BaseEvent & Record<string, unknown>;

export interface ClientRun {
  agent: HttpAgent;
  events: AgUiEvent[];
  /**
   * The events by type, in order, a run of content events written once: text that reaches the
   * server in one read goes out as one event, so how many there are depends on timing.
   */
  types: string[];
  result: unknown;
  raw: string;
}

export function newAgent(client: Client, app: RunningApp, auth: Record<string, string>, threadId: string): HttpAgent {
  return new client.Agent({ url: `${app.url}/api/ag-ui`, headers: auth, threadId });
}

/** One run, strictly checked; `onEvent` sees each event as it arrives (to stop a run midway). */
export async function conformRun(
  agent: HttpAgent,
  params: RunAgentParameters & { runId: string },
  onEvent?: (event: AgUiEvent) => void | Promise<void>,
): Promise<ClientRun> {
  const responses: Promise<{ contentType: string | null; raw: string }>[] = [];
  const realFetch = globalThis.fetch;
  // The clients call the global fetch: keep a copy of the raw body to check its framing.
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    if (!response.body || !String(input).endsWith('/api/ag-ui')) return response;
    const [forClient, forCheck] = response.body.tee();
    responses.push(new Response(forCheck).text().then((raw) => ({ contentType: response.headers.get('content-type'), raw })));
    return new Response(forClient, response);
  };
  const warnings: string[] = [];
  const { warn, error, debug } = console;
  console.warn = console.error = console.debug = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  const events: AgUiEvent[] = [];
  let outcome: { result: unknown } | undefined;
  try {
    outcome = await agent.runAgent(params, {
      onEvent: async ({ event }) => {
        events.push(event as AgUiEvent);
        await onEvent?.(event as AgUiEvent);
      },
    });
  } finally {
    globalThis.fetch = realFetch;
    Object.assign(console, { warn, error, debug });
  }
  assert.deepEqual(warnings, [], 'the client warned');
  assert.equal(responses.length, 1, 'one HTTP request per run');
  const { contentType, raw } = await responses[0]!;
  assert.match(contentType ?? '', /^text\/event-stream/);
  assert.ok(!raw.includes('\r'), 'frames end with \\n only');

  const first = events[0];
  assert.equal(first?.type, 'RUN_STARTED', 'the first event is RUN_STARTED');
  assert.equal(first.threadId, agent.threadId);
  assert.equal(first.runId, params.runId);
  const last = events.at(-1)!;
  assert.ok(last.type === 'RUN_FINISHED' || last.type === 'RUN_ERROR', `the last event is ${last.type}`);
  if (last.type === 'RUN_FINISHED') assert.deepEqual([last.threadId, last.runId], [agent.threadId, params.runId]);
  assert.equal(events.filter((e) => e.type === 'RUN_FINISHED' || e.type === 'RUN_ERROR').length, 1, 'one terminal event');
  assert.doesNotMatch(raw, /:null[,}]/, 'no field is sent as null');
  // Every frame the server sent reached the client's subscribers.
  const frames = raw.split('\n\n').filter((frame) => frame.startsWith('data: '));
  assert.equal(frames.length, events.length, 'every frame became an event');

  const types = events.map((e) => e.type).filter((type, i, all) => !(type.endsWith('_CONTENT') && all[i - 1] === type));
  return { agent, events, types, result: outcome?.result, raw };
}

export const ofType = (run: ClientRun, type: string) => run.events.filter((e) => e.type === type);
