import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { escapeText } from '../../lib/http/export';
import { startApp, type Database, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { parseFrames, parseUiStream } from '../support/sse';
import { newUser, type TestUser } from '../support/users';

// Exports of a stored chat and a stored report, end to end over HTTP against the built app on
// the offline model: what the file says is what was streamed (text, the tool call's input and
// output, the model, the usage), in both formats, and only for the owner. Run once per database.

interface ExportedMessage {
  id: string;
  role: string;
  status: string;
  error: string | null;
  model: string | null;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
  content: Array<Record<string, unknown>>;
}

/** What one /api/ui/chat turn streamed: the reply's id, model, text, tool call and usage. */
interface Streamed {
  replyId: string;
  model: string;
  text: string;
  tool?: { toolCallId: string; toolName: string; input: unknown; output?: unknown };
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
}

function streamed(body: string): Streamed {
  const chunks = parseUiStream(body);
  const start = chunks.find((c) => c.type === 'start') as { messageId: string; messageMetadata: { model: string } };
  const finish = chunks.at(-1) as { type: string; messageMetadata: { usage: Streamed['usage'] } };
  assert.equal(finish.type, 'finish', 'the turn finished');
  const call = chunks.find((c) => c.type === 'tool-input-available') as Streamed['tool'] | undefined;
  const result = chunks.find((c) => c.type === 'tool-output-available') as { toolCallId: string; output: unknown } | undefined;
  return {
    replyId: start.messageId,
    model: start.messageMetadata.model,
    text: chunks.flatMap((c) => (c.type === 'text-delta' ? [c.delta as string] : [])).join(''),
    tool: call && { ...call, output: result?.toolCallId === call.toolCallId ? result.output : undefined },
    usage: finish.messageMetadata.usage,
  };
}

const usageJson = (usage: Streamed['usage']) => ({
  input_tokens: usage.inputTokens,
  output_tokens: usage.outputTokens,
  total_tokens: usage.totalTokens,
});

export function describeExport(database: Database) {
  describe(`exports on ${database}`, () => {
    let app: RunningApp;
    let alice: TestUser;
    let bob: TestUser;
    const chatId = `export-${randomUUID()}`;
    // The first message names a catalogue product and asks for its price: the offline model calls lookup_price.
    const question = 'What is the price of a desk lamp? ```` and # not a heading';
    let first: Streamed;
    let second: Streamed;
    let reportId: string;
    let reportResult: Record<string, unknown>;

    const exportOf = (path: string, format: string | undefined, auth: Record<string, string>) =>
      fetch(`${app.url}${path}/export${format === undefined ? '' : `?format=${format}`}`, { headers: auth, redirect: 'manual' });

    before(async () => {
      app = await startApp({}, database);
      [alice, bob] = [await newUser(app), await newUser(app)];
      const say = async (text: string) => {
        const response = await fetch(`${app.url}/api/ui/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...alice.bearer },
          body: JSON.stringify({ id: chatId, message: { id: randomUUID(), role: 'user', parts: [{ type: 'text', text }] } }),
        });
        assert.equal(response.status, 200);
        return streamed(await response.text());
      };
      first = await say(question);
      second = await say('Thanks, and hello');
      assert.equal(first.tool?.toolName, 'lookup_price', 'the first turn called the tool');
      assert.equal(second.tool, undefined, 'the second did not');

      const report = await fetch(`${app.url}/api/ui/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice.bearer },
        body: JSON.stringify({ topic: 'Tidal energy *now*' }),
      });
      reportId = report.headers.get('x-report-id') ?? assert.fail('no x-report-id');
      const frames = parseFrames(await report.text());
      reportResult = (frames.find((frame) => frame.event === 'result')?.data ?? assert.fail('no result frame')) as Record<string, unknown>;
      await eventually(async () => {
        const stored = (await (await fetch(`${app.url}/api/reports/${reportId}`, { headers: alice.bearer })).json()) as { status: string };
        return stored.status !== 'streaming';
      }, 'the report is stored');
    });
    after(async () => app?.stop());

    test('the chat as JSON: a versioned shape with every message as streamed', async () => {
      const response = await exportOf(`/api/sessions/${chatId}`, 'json', alice.bearer);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(
        response.headers.get('content-disposition'),
        `attachment; filename="chat-what-is-the-price-of-a-desk-lamp-and-not-a-heading.json"; filename*=UTF-8''chat-what-is-the-price-of-a-desk-lamp-and-not-a-heading.json`,
      );
      const exported = (await response.json()) as {
        format: string;
        format_version: number;
        session: { id: string; title: string };
        messages: ExportedMessage[];
      };
      assert.deepEqual([exported.format, exported.format_version], ['streamwright.chat', 1]);
      assert.deepEqual([exported.session.id, exported.session.title], [chatId, question]);
      assert.deepEqual(
        exported.messages.map((m) => [m.role, m.status]),
        [
          ['user', 'complete'],
          ['assistant', 'complete'],
          ['user', 'complete'],
          ['assistant', 'complete'],
        ],
      );
      const [asked, reply, , secondReply] = exported.messages;
      assert.deepEqual(asked!.content, [{ type: 'text', text: question }]);
      assert.deepEqual([asked!.model, asked!.usage], [null, null], 'a user message has no model or usage');
      assert.equal(reply!.id, first.replyId);
      assert.deepEqual(reply!.content, [
        {
          type: 'tool_call',
          id: first.tool!.toolCallId,
          name: 'lookup_price',
          state: 'result',
          input: first.tool!.input,
          output: first.tool!.output,
          error: null,
        },
        { type: 'text', text: first.text },
      ]);
      assert.deepEqual(first.tool!.input, { product: 'Desk lamp' });
      assert.deepEqual(first.tool!.output, { product: 'Desk lamp', price: 45, currency: 'GBP' });
      assert.match(first.text, /Desk lamp costs 45\.00 GBP/);
      assert.deepEqual([reply!.model, reply!.usage], [first.model, usageJson(first.usage)]);
      assert.equal(first.model, 'offline');
      assert.ok(first.usage.totalTokens > 0, 'the reply spent tokens');
      assert.deepEqual(secondReply!.content, [{ type: 'text', text: second.text }]);
      assert.deepEqual([secondReply!.model, secondReply!.usage], [second.model, usageJson(second.usage)]);
    });

    test('the chat as Markdown: title, each message, the tool call in fenced JSON, model and usage', async () => {
      const response = await exportOf(`/api/sessions/${chatId}`, 'markdown', alice.bearer);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/markdown; charset=utf-8');
      assert.match(
        response.headers.get('content-disposition') ?? '',
        /^attachment; filename="chat-what-is-the-price-of-a-desk-lamp-[\w-]*\.md"/,
      );
      const markdown = await response.text();
      assert.ok(markdown.startsWith(`# ${escapeText(question)}\n`), `the title first: ${markdown.slice(0, 120)}`);
      assert.deepEqual(
        [...markdown.matchAll(/^## (You|Assistant) · /gm)].map((m) => m[1]),
        ['You', 'Assistant', 'You', 'Assistant'],
        'one heading per message, in order',
      );
      assert.ok(markdown.includes(`\n${escapeText(question)}\n`), 'the question, escaped so its fence and heading are text');
      // PostgreSQL's jsonb keeps an object's keys in an order of its own: the blocks are compared as JSON.
      const block = /\n(\w+):\n\n```json\n([\s\S]*?)\n```\n/g;
      const blocks = [...markdown.matchAll(block)].map((m) => [m[1], JSON.parse(m[2]!)]);
      assert.deepEqual(blocks, [
        ['Input', first.tool!.input],
        ['Output', first.tool!.output],
      ]);
      assert.ok(markdown.includes('**Tool call** `lookup_price` (result)'), 'the tool call named');
      for (const turn of [first, second]) {
        assert.ok(markdown.includes(`\n${turn.text}\n`), `the reply text: ${turn.text}`);
        const { inputTokens, outputTokens, totalTokens } = turn.usage;
        assert.ok(
          markdown.includes(`_Model \`${turn.model}\`, ${inputTokens} input + ${outputTokens} output = ${totalTokens} tokens._`),
          'each reply with its model and usage',
        );
      }
      const plain = await exportOf(`/api/sessions/${chatId}`, undefined, alice.bearer);
      assert.equal(plain.headers.get('content-type'), 'text/markdown; charset=utf-8', 'Markdown without a format');
    });

    test('the report in both formats: what was streamed, with topic, model and status', async () => {
      const json = await exportOf(`/api/reports/${reportId}`, 'json', alice.bearer);
      assert.equal(json.status, 200);
      assert.equal(json.headers.get('content-type'), 'application/json');
      assert.match(json.headers.get('content-disposition') ?? '', /^attachment; filename="report-tidal-energy-now\.json"/);
      const exported = (await json.json()) as { format: string; format_version: number; report: Record<string, unknown> };
      assert.deepEqual([exported.format, exported.format_version], ['streamwright.report', 1]);
      assert.deepEqual(
        { ...exported.report, created_at: undefined },
        {
          id: reportId,
          topic: 'Tidal energy *now*',
          created_at: undefined,
          model: 'offline',
          status: 'complete',
          error: null,
          issues: null,
          content: reportResult,
        },
      );

      const markdown = await exportOf(`/api/reports/${reportId}`, 'markdown', alice.bearer);
      assert.equal(markdown.headers.get('content-type'), 'text/markdown; charset=utf-8');
      assert.match(markdown.headers.get('content-disposition') ?? '', /^attachment; filename="report-tidal-energy-now\.md"/);
      const text = await markdown.text();
      assert.ok(text.startsWith(`# ${escapeText(String(reportResult.title))}\n`), text.slice(0, 100));
      assert.ok(text.includes('Topic: Tidal energy \\*now\\*'), 'the topic, as typed');
      assert.ok(text.includes('Status: complete, checked against the report schema'));
      assert.match(text, /\nWritten: .+ by `offline` {2}\n/, 'the model that wrote it');
      assert.ok(text.includes(`## Summary\n\n${escapeText(String(reportResult.summary))}\n`), 'the summary');
      for (const finding of reportResult.key_findings as string[]) assert.ok(text.includes(`\n- ${escapeText(finding)}`), finding);
      assert.ok(text.includes(`## Confidence\n\n${reportResult.confidence_score as number} (`), 'the confidence');
    });

    test('from the browser: the session cookie works for a same-origin download, not for another site', async () => {
      const download = await exportOf(`/api/sessions/${chatId}`, 'json', { cookie: alice.cookie, 'sec-fetch-site': 'same-origin' });
      assert.equal(download.status, 200);
      assert.equal(((await download.json()) as { session: { id: string } }).session.id, chatId);
      const crossSite = await exportOf(`/api/sessions/${chatId}`, 'json', { cookie: alice.cookie, 'sec-fetch-site': 'cross-site' });
      assert.equal(crossSite.status, 403);
      assert.equal(((await crossSite.json()) as { error: string }).error, 'cross_site_request');
    });

    test("another user's chat or report is a 404, as for an id that does not exist; no credentials is a 401", async () => {
      for (const [path, detail] of [
        [`/api/sessions/${chatId}`, 'No such chat session'],
        [`/api/reports/${reportId}`, 'No such report'],
      ] as const) {
        for (const auth of [bob.bearer, { cookie: bob.cookie, 'sec-fetch-site': 'same-origin' }]) {
          for (const format of ['json', 'markdown']) {
            const response = await exportOf(path, format, auth);
            assert.deepEqual([response.status, await response.json()], [404, { error: 'not_found', detail }], `${path} ${format}`);
          }
        }
        const missing = await exportOf(path.replace(/[^/]+$/, `missing-${randomUUID()}`), 'json', alice.bearer);
        assert.deepEqual([missing.status, await missing.json()], [404, { error: 'not_found', detail }]);
        const anonymous = await exportOf(path, 'json', {});
        assert.equal(anonymous.status, 401);
        assert.equal(((await anonymous.json()) as { error: string }).error, 'unauthorized');
      }
    });

    test('a format other than markdown or json is a 400 naming the field', async () => {
      for (const path of [`/api/sessions/${chatId}`, `/api/reports/${reportId}`]) {
        for (const format of ['pdf', '', 'JSON']) {
          const response = await exportOf(path, format, alice.bearer);
          assert.deepEqual(
            [response.status, await response.json()],
            [400, { error: 'invalid_parameter', detail: 'format: must be markdown or json', field: 'format' }],
            `${path} format=${format}`,
          );
        }
      }
    });
  });
}
