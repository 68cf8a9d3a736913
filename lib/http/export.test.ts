import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { StoredMessage } from '../db/owned';
import {
  chatExport,
  chatMarkdown,
  codeBlock,
  codeSpan,
  containMarkdown,
  escapeText,
  exportFileName,
  reportExport,
  reportMarkdown,
} from './export';

// The exports' Markdown is read by a real CommonMark + GFM parser (the one the chat page uses),
// so each check is about what a reader sees, not about the characters written.

const html = (markdown: string) => renderToStaticMarkup(createElement(ReactMarkdown, { remarkPlugins: [remarkGfm] }, markdown));
/** The text a reader sees, tags taken out and entities read. */
const shown = (markdown: string) =>
  html(markdown)
    .replace(/<br\/?>\n?/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\u00a0/g, ' ');

const at = new Date('2026-12-04T12:00:00.000Z');
const message = (role: 'user' | 'assistant', parts: unknown[], extra: Partial<StoredMessage> = {}): StoredMessage => ({
  id: `m-${Math.random().toString(36).slice(2)}`,
  role,
  parts,
  model: role === 'assistant' ? 'offline' : null,
  usage: role === 'assistant' ? { inputTokens: 10, outputTokens: 5, totalTokens: 15 } : null,
  status: 'complete',
  failureCode: null,
  createdAt: at,
  ...extra,
});
const chat = (messages: StoredMessage[], title = 'A chat') =>
  chatMarkdown(chatExport({ id: 's1', title, createdAt: at, updatedAt: at }, messages, at));
const headings = (markdown: string) => [...html(markdown).matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1]!.replace(/ · .*/, ''));

test('plain text shows exactly as typed, whatever Markdown it holds', () => {
  for (const typed of [
    '# not a heading',
    '- not a list\n+ nor this\n1. nor this\n2) nor this',
    '> not a quote',
    '```js\nnot code',
    '    not indented code',
    '*not emphasis* _nor this_ ~~nor this~~ **nor this**',
    '[not a link](https://example.com) ![nor an image](x.png) <https://example.com>',
    'nor these: https://example.com/a_b*c?x=1&amp;y=2 www.example.com/~x me_x@example.com',
    '<!-- not a comment\n<script>alert(1)</script>',
    '| not | a table |\n|---|---|\n| a | b |',
    'a heading underline?\n===',
    'or this\n---',
    '&amp; stays &amp; and \\ stays \\',
    'line one\nline two\nline three',
  ]) {
    assert.equal(shown(escapeText(typed)).replace(/^\n+|\n+$/g, ''), typed, `${JSON.stringify(typed)} reads as written`);
  }
});

test('a code block holds any text, backtick fences included, and ends where it should', () => {
  const inner = 'before\n```\nstill inside\n````\nand here';
  const block = codeBlock(inner, 'json');
  const out = html(`${block}\n\nafter`);
  assert.equal((out.match(/<pre>/g) ?? []).length, 1, 'one code block');
  assert.match(out, /<code class="language-json">before\n```\nstill inside\n````\nand here\n<\/code>/);
  assert.match(out, /<p>after<\/p>/, 'the text after the block is outside it');
  assert.equal(codeSpan('a`b'), '``a`b``');
  assert.equal(shown(codeSpan('`tick`')), '`tick`');
});

test('a reply keeps its Markdown but cannot reach past its own message', () => {
  const reply = '## Plan\n\n- one\n- two\n\n```python\nprint(1)\n\nstill code';
  const contained = containMarkdown(reply);
  const out = html(`${contained}\n\n## Next message`);
  assert.match(out, /<h4>Plan<\/h4>/, "the reply's heading sits below the message headings");
  assert.match(out, /<li>one<\/li>/, 'lists stay lists');
  assert.match(out, /<code class="language-python">print\(1\)\n\nstill code\n<\/code>/, 'the open fence is closed at the reply end');
  assert.match(out, /<h2>Next message<\/h2>/, 'what follows is not swallowed');
  const hidden = html(`${containMarkdown('<!-- never closed\nsecret')}\n\n## Next message`);
  assert.match(hidden, /<h2>Next message<\/h2>/, 'an unclosed HTML comment does not hide what follows');
  assert.match(shown(containMarkdown('<!-- never closed')), /<!-- never closed/);
  assert.equal(containMarkdown('````\n```\n````'), '````\n```\n````', 'a shorter fence inside does not close it');
});

test('a chat: one heading per message, text, tool calls with input and output, model, usage and status', () => {
  const markdown = chat(
    [
      message('user', [{ type: 'text', text: 'What does the ```` Desk lamp ```` cost?\n## Assistant · fake' }]),
      message('assistant', [
        { type: 'step-start' },
        {
          type: 'tool-lookup_price',
          toolCallId: 'call-1',
          state: 'output-available',
          input: { product: 'Desk lamp ```' },
          output: { product: 'Desk lamp', price: 45, currency: 'GBP' },
        },
        { type: 'step-start' },
        { type: 'text', text: 'It costs **45.00 GBP**.' },
      ]),
      message('user', [{ type: 'text', text: 'And a spaceship?' }]),
      message(
        'assistant',
        [{ type: 'tool-lookup_price', toolCallId: 'c2', state: 'output-error', input: {}, errorText: 'No such product' }],
        {
          status: 'failed',
          failureCode: 'model_error',
          usage: null,
        },
      ),
      message('assistant', [{ type: 'text', text: 'Half a rep' }], { status: 'stopped' }),
      message('assistant', [], { status: 'streaming', usage: null, model: 'openai:gpt-x' }),
    ],
    'Prices # and `ticks`',
  );
  const out = html(markdown);
  assert.match(out, /<h1>Prices # and `ticks`<\/h1>/, 'the title as written');
  assert.deepEqual(headings(markdown), ['You', 'Assistant', 'You', 'Assistant', 'Assistant', 'Assistant'], "a user's fake heading is text");
  assert.match(shown(markdown), /What does the ```` Desk lamp ```` cost\?\n## Assistant · fake/);
  assert.match(out, /<code class="language-json">\{\n {2}&quot;product&quot;: &quot;Desk lamp ```&quot;\n\}\n<\/code>/, 'tool input');
  assert.match(out, /&quot;price&quot;: 45,/, 'tool output');
  assert.match(out, /<strong>45.00 GBP<\/strong>/, "a reply's Markdown renders");
  assert.match(shown(markdown), /Model offline, 10 input \+ 5 output = 15 tokens\./);
  assert.match(shown(markdown), /Tool call lookup_price \(error\)[\s\S]*No such product/);
  assert.match(shown(markdown), /This reply failed \(model_error\)\./);
  assert.match(shown(markdown), /This reply was stopped before it finished\./);
  assert.match(
    shown(markdown),
    /Model openai:gpt-x, tokens not recorded\. This reply was still being written when the chat was exported\./,
  );
  assert.equal((out.match(/<pre>/g) ?? []).length, 4, 'two inputs, an output and an error, each its own block');
});

test('the JSON export: its own documented shape, not the stored rows', () => {
  const exported = chatExport(
    { id: 's1', title: 'T', createdAt: at, updatedAt: at },
    [
      message('assistant', [
        { type: 'step-start' },
        { type: 'reasoning', text: 'hmm' },
        { type: 'tool-lookup_price', toolCallId: 'c1', state: 'input-available', input: { product: 'x' } },
        { type: 'source-url', url: 'https://example.com' },
        { type: 'text', text: 'Hi', state: 'done' },
      ]),
    ],
    at,
  );
  assert.deepEqual(Object.keys(exported), ['format', 'format_version', 'exported_at', 'session', 'messages']);
  assert.deepEqual([exported.format, exported.format_version], ['streamwright.chat', 1]);
  assert.deepEqual(exported.messages[0]!.content, [
    { type: 'reasoning', text: 'hmm' },
    { type: 'tool_call', id: 'c1', name: 'lookup_price', state: 'pending', input: { product: 'x' }, output: null, error: null },
    { type: 'text', text: 'Hi' },
  ]);
  assert.deepEqual(exported.messages[0]!.usage, { input_tokens: 10, output_tokens: 5, total_tokens: 15 });
});

test('a report: its fields as written, its status, and its issues', () => {
  const row = {
    id: 'r1',
    topic: 'Tides <b>now</b>',
    model: 'openai-chat:tide-1',
    status: 'invalid',
    createdAt: at,
    report: { title: '# Tides', summary: 'Moon *and* sun\n- pull', key_findings: ['One | two', '```'], confidence_score: 1.5 },
    issues: [{ path: 'confidence_score', message: 'Too big: expected number to be <=1' }],
    failureCode: null,
  };
  const markdown = reportMarkdown(reportExport(row, at));
  const out = html(markdown);
  assert.match(out, /<h1># Tides<\/h1>/);
  assert.match(shown(markdown), /Topic: Tides <b>now<\/b>/);
  assert.match(shown(markdown), /Written: .* by openai-chat:tide-1\n/);
  assert.match(shown(markdown), /Moon \*and\* sun\n- pull/);
  assert.match(out, /<li>One \| two<\/li>\n<li>```<\/li>/);
  assert.match(shown(markdown), /Status: invalid: it does not match the report schema/);
  assert.match(shown(markdown), /confidence_score: Too big: expected number to be <=1/);
  assert.match(shown(markdown), /1\.5 \(150%\)/);
  const empty = reportExport({ ...row, status: 'failed', report: null, issues: null, failureCode: 'model_error' }, at);
  assert.equal(empty.report.content, null);
  assert.equal(empty.report.model, 'openai-chat:tide-1');
  assert.doesNotMatch(shown(reportMarkdown(reportExport({ ...row, model: null }, at))), / by /);
  assert.match(
    shown(reportMarkdown(empty)),
    /^Tides <b>now<\/b>\n[\s\S]*failed before it was complete \(model_error\)[\s\S]*has no content/,
  );
});

test('file names: letters and digits of the title, a plain ASCII one beside it', () => {
  assert.deepEqual(exportFileName('chat', 'What is the price of an espresso machine?', 'md'), {
    unicode: 'chat-what-is-the-price-of-an-espresso-machine.md',
    ascii: 'chat-what-is-the-price-of-an-espresso-machine.md',
  });
  assert.deepEqual(exportFileName('report', 'Énergie marémotrice', 'json'), {
    unicode: 'report-énergie-marémotrice.json',
    ascii: 'report-energie-maremotrice.json',
  });
  assert.deepEqual(exportFileName('chat', '潮汐 "../../etc/passwd"\r\n', 'md'), {
    unicode: 'chat-潮汐-etc-passwd.md',
    ascii: 'chat-etc-passwd.md',
  });
  assert.deepEqual(exportFileName('chat', '???', 'md'), { unicode: 'chat.md', ascii: 'chat.md' });
  assert.equal(exportFileName('chat', 'x'.repeat(500), 'md').ascii.length, 'chat-'.length + 60 + '.md'.length);
});
