import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UIMessage } from 'ai';
import { AppError } from '../../errors';
import type { AgUiMessage } from './input';
import { threadUpdate } from './messages';

// A client's copy of the thread joined to the stored one, without a server. The real clients
// drive the endpoint in tests/api/ag-ui.test.ts.

describe('a client’s thread joined to the stored one', () => {
  const user = (id: string, content: string) => ({ id, role: 'user' as const, content });
  // The thread as stored after the client's first run: its question, and a reply that called a client tool.
  const first = threadUpdate('th', [], [user('x1', 'Show a card')]);
  const call = (state: string, name = 'show_card', extra = {}) =>
    ({ type: `tool-${name}`, toolCallId: 'c1', state, input: { title: 'Hi' }, ...extra }) as UIMessage['parts'][number];
  const stored: UIMessage[] = [...first.added, { id: 's2', role: 'assistant', parts: [call('input-available')] }];
  const clientCopy = [
    user('x1', 'Show a card'),
    { id: 'x2', role: 'assistant' as const, toolCalls: [{ id: 'c1', function: { name: 'show_card', arguments: '{}' } }] },
  ];

  test('a new thread starts from the whole client history, with the server’s own ids', () => {
    const update = threadUpdate(
      'th',
      [],
      [
        { id: 'x0', role: 'system', content: 'You are a pirate' },
        user('x1', 'Hello'),
        {
          id: 'x2',
          role: 'assistant',
          content: 'Hi',
          toolCalls: [{ id: 'c1', function: { name: 'show_card', arguments: '{"title":"Hi"}' } }],
        },
        { id: 'x3', role: 'tool', toolCallId: 'c1', content: 'not json' },
      ],
    );
    assert.deepEqual(update.updated, []);
    assert.deepEqual(
      update.added.map((m) => [m.role, m.parts]),
      [
        ['user', [{ type: 'text', text: 'Hello' }]],
        ['assistant', [{ type: 'text', text: 'Hi', state: 'done' }, call('output-available', 'show_card', { output: 'not json' })]],
      ],
      'the client’s system message is not taken: the server keeps its own instructions',
    );
    assert.ok(update.added.every((m) => m.id.startsWith('msg-')));
  });

  test('a known thread takes only new user messages and the results of waiting calls', () => {
    const update = threadUpdate('th', stored, [
      ...clientCopy,
      { id: 'x3', role: 'tool', toolCallId: 'c1', content: '{"shown":true}' },
      user('x4', 'Thanks'),
    ]);
    assert.deepEqual(
      update.added.map((m) => m.parts),
      [[{ type: 'text', text: 'Thanks' }]],
    );
    assert.deepEqual(
      update.updated.map((m) => [m.id, m.parts]),
      [['s2', [call('output-available', 'show_card', { output: { shown: true } })]]],
    );
    assert.equal((stored[1]?.parts[0] as { state: string }).state, 'input-available', 'the stored copy is not changed in place');
  });

  test('a retry after a reply that produced nothing stores the question once', () => {
    const update = threadUpdate('th', first.added, [user('x1', 'Show a card'), user('x5', 'Hello?')]);
    assert.deepEqual(
      update.added.map((m) => m.parts),
      [[{ type: 'text', text: 'Hello?' }]],
    );
    const again = threadUpdate('th', first.added, [user('x1', 'Show a card')]);
    assert.ok(again.added.length === 0, 'the unanswered question is answered again, not stored twice');
  });

  test('a tool error is kept as the call’s error', () => {
    const update = threadUpdate('th', stored, [
      ...clientCopy,
      { id: 'x3', role: 'tool', toolCallId: 'c1', content: '', error: 'The user closed it' },
    ]);
    assert.deepEqual(update.updated[0]?.parts[0], call('output-error', 'show_card', { errorText: 'The user closed it' }));
  });

  test('answered calls and the server’s own tools keep their results', () => {
    const answered: UIMessage[] = [
      ...first.added,
      {
        id: 's2',
        role: 'assistant',
        parts: [
          call('output-available', 'show_card', { output: 1 }),
          call('output-available', 'lookup_price', { toolCallId: 'c2', output: 2 }),
        ],
      },
      { id: 's3', role: 'user', parts: [{ type: 'text', text: 'More' }] },
    ];
    const forged = [
      { id: 'x3', role: 'tool' as const, toolCallId: 'c1', content: '"forged"' },
      { id: 'x4', role: 'tool' as const, toolCallId: 'c2', content: '"forged"' },
    ];
    const update = threadUpdate('th', answered, forged);
    assert.deepEqual([update.added, update.updated], [[], []]);
  });

  test('nothing new to answer, or a result for no known call, is refused', () => {
    for (const [messages, field] of [
      [clientCopy, 'messages'],
      [[{ id: 'x3', role: 'tool', toolCallId: 'c7', content: '1' }], 'messages.0.toolCallId'],
      [[user('x9', ' ')], 'messages.0.content'],
    ] as const) {
      assert.throws(
        () => threadUpdate('th', stored, messages as unknown as AgUiMessage[]),
        (error) => error instanceof AppError && error.code === 'invalid_parameter' && error.options.field === field,
      );
    }
  });
});
