import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startApp, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { exportedMethods, isDynamic, pathOf, routeFiles, routeSource, type HttpMethod } from '../support/routes';
import { createKey, newUser, type TestUser } from '../support/users';

// Lists built from the route tree (every route.ts under app/api and the methods it exports), so
// a new route is checked the day it is added: without credentials it is a 401 unless it is on
// the short public list below, and a route that acts on an id is refused (404, as for an id
// that does not exist) when another user names one of theirs, leaving it as it was.

const METRICS_TOKEN = 'metrics-token-for-the-route-tree';

interface Answer {
  /** Where to send it, when the filled-in path is not the one to ask. */
  path?: string;
  body?: string;
  status: number;
  /** The JSON it answers with, exactly, when it is JSON. */
  json?: unknown;
}

/**
 * The routes anyone may call, each with why, and what it answers without credentials. Every
 * other route is a user's: 401 without credentials.
 */
const PUBLIC: Record<string, { why: string; answers: Partial<Record<HttpMethod, Answer>> }> = {
  health: { why: 'liveness probe', answers: { GET: { status: 200, json: { status: 'ok' } } } },
  ready: { why: 'readiness probe', answers: { GET: { status: 200, json: { status: 'ready', checks: { database: 'ok' } } } } },
  metrics: {
    why: 'for a scraper: its own token (METRICS_TOKEN), not a user',
    answers: { GET: { status: 401, json: { error: 'unauthorized', detail: 'Send Authorization: Bearer <METRICS_TOKEN>' } } },
  },
  'auth/[...nextauth]': {
    why: "next-auth's sign-in, sign-out, session and CSRF endpoints",
    answers: { GET: { path: '/api/auth/session', status: 200, json: {} }, POST: { path: '/api/auth/signout', status: 302 } },
  },
  'openapi.json': { why: 'the description of this API, for tools and the /docs page', answers: { GET: { status: 200 } } },
  'auth/signup': {
    why: 'creating an account',
    answers: { POST: { body: '{}', status: 400 } },
  },
  '[[...path]]': {
    why: 'unknown API paths: a JSON 404',
    answers: Object.fromEntries(
      (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((method) => [
        method,
        { status: 404, json: { error: 'not_found', detail: 'No API route at /api/any' } },
      ]),
    ),
  },
};

/** Query strings a route needs to get as far as its input (the guard comes first, but not by contract). */
const QUERY: Record<string, string> = {
  stream: 'q=hi',
  'stream/text': 'q=hi',
  'stream/events': 'q=hi',
  'stream/structured': 'q=hi',
};

const UNAUTHORIZED = { error: 'unauthorized', detail: 'Sign in, or send Authorization: Bearer <API key>' };

/** Every (method, route) pair on disk that is not public. */
const protectedPairs = () =>
  routeFiles()
    .filter((route) => !(route in PUBLIC))
    .flatMap((route) => exportedMethods(route).map((method) => [method, route] as const));

// ---- another user's things ------------------------------------------------------------------

type Resource = 'session' | 'report' | 'key';

interface Attempt {
  /** What Bob does, in words. */
  what: string;
  path: (id: string) => string;
  body?: (id: string) => unknown;
  /** The exact `detail` of the 404. */
  detail: string;
}

/**
 * Every route that acts on an id of the caller's: the ones with an `[id]` segment, and the ones
 * that take a session id in the body (they call openTurn). For each method it exports, what Bob
 * sends when he names Alice's thing of that kind.
 */
const CROSS_USER: Record<string, { resource: Resource; attempts: Partial<Record<HttpMethod, Attempt[]>> }> = {
  'keys/[id]': {
    resource: 'key',
    attempts: { DELETE: [{ what: 'revoke her key', path: (id) => `/api/keys/${id}`, detail: 'No such API key' }] },
  },
  'reports/[id]': {
    resource: 'report',
    attempts: { GET: [{ what: 'read her report', path: (id) => `/api/reports/${id}`, detail: 'No such report' }] },
  },
  'sessions/[id]': {
    resource: 'session',
    attempts: {
      GET: [{ what: 'read her session', path: (id) => `/api/sessions/${id}`, detail: 'No such chat session' }],
      PATCH: [
        {
          what: 'rename her session',
          path: (id) => `/api/sessions/${id}`,
          body: () => ({ title: 'Renamed by Bob' }),
          detail: 'No such chat session',
        },
      ],
      DELETE: [{ what: 'delete her session', path: (id) => `/api/sessions/${id}`, detail: 'No such chat session' }],
    },
  },
  'reports/[id]/export': {
    resource: 'report',
    attempts: {
      GET: ['markdown', 'json'].map((format) => ({
        what: `download her report as ${format}`,
        path: (id: string) => `/api/reports/${id}/export?format=${format}`,
        detail: 'No such report',
      })),
    },
  },
  'sessions/[id]/export': {
    resource: 'session',
    attempts: {
      GET: ['markdown', 'json'].map((format) => ({
        what: `download her session as ${format}`,
        path: (id: string) => `/api/sessions/${id}/export?format=${format}`,
        detail: 'No such chat session',
      })),
    },
  },
  'sessions/[id]/stop': {
    resource: 'session',
    attempts: { POST: [{ what: 'stop her reply', path: (id) => `/api/sessions/${id}/stop`, detail: 'No such chat session' }] },
  },
  'ui/chat/[id]/stream': {
    resource: 'session',
    attempts: { GET: [{ what: 'resume her reply', path: (id) => `/api/ui/chat/${id}/stream`, detail: 'No such session' }] },
  },
  chat: {
    resource: 'session',
    attempts: {
      POST: [
        {
          what: 'chat into her session',
          path: () => '/api/chat',
          body: (id) => ({ session_id: id, message: 'Hi from Bob', max_tokens: 5 }),
          detail: 'No such chat session',
        },
      ],
    },
  },
  'ui/chat': {
    resource: 'session',
    attempts: {
      POST: [
        {
          what: 'send a message into her chat',
          path: () => '/api/ui/chat',
          body: (id) => ({ id, message: { id: 'bob-1', role: 'user', parts: [{ type: 'text', text: 'Hi from Bob' }] }, max_tokens: 5 }),
          detail: 'No such chat session',
        },
        {
          what: 'regenerate her last reply',
          path: () => '/api/ui/chat',
          body: (id) => ({ id, trigger: 'regenerate-message', max_tokens: 5 }),
          detail: 'No such chat session',
        },
      ],
    },
  },
  'ag-ui': {
    resource: 'session',
    attempts: {
      POST: [
        {
          what: 'run an agent on her thread',
          path: () => '/api/ag-ui',
          body: (id) => ({ threadId: id, runId: 'bob-run', messages: [{ id: 'u1', role: 'user', content: 'Hi from Bob' }] }),
          detail: 'No such chat session',
        },
      ],
    },
  },
};

/** Routes that must be in CROSS_USER: an id in the path, or a session id in the body. */
const actsOnIds = () => routeFiles().filter((route) => !(route in PUBLIC) && (isDynamic(route) || /\bopenTurn\(/.test(routeSource(route))));

describe('the route tree', () => {
  let app: RunningApp;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    app = await startApp({ METRICS_TOKEN });
    [alice, bob] = [await newUser(app), await newUser(app)];
  });
  after(async () => app?.stop());

  describe('without credentials', () => {
    test('the public list names real routes and the methods they export, nothing more', () => {
      const files = routeFiles();
      for (const [route, { answers }] of Object.entries(PUBLIC)) {
        assert.ok(files.includes(route), `${route} is public but has no route file`);
        assert.deepEqual(Object.keys(answers).sort(), [...exportedMethods(route)].sort(), `every method of ${route}, and only those`);
      }
    });

    test('every route that is not public is on the list, with each method it exports', () => {
      const pairs = protectedPairs();
      // Sanity: the walk found the tree (a wrong folder would make every check below vacuous).
      for (const expected of [
        ['GET', 'sessions/[id]'],
        ['POST', 'chat'],
        ['DELETE', 'keys/[id]'],
        ['GET', 'me'],
      ]) {
        assert.ok(
          pairs.some(([method, route]) => method === expected[0] && route === expected[1]),
          expected.join(' '),
        );
      }
    });

    for (const [method, route] of protectedPairs()) {
      const path = pathOf(route) + (QUERY[route] ? `?${QUERY[route]}` : '');
      test(`${method} ${path} is a 401 JSON with WWW-Authenticate: Bearer`, async () => {
        const response = await fetch(`${app.url}${path}`, { method, redirect: 'manual' });
        const text = await response.text();
        assert.equal(response.status, 401, `${route} is neither public nor refused: ${response.status} ${text.slice(0, 200)}`);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer');
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assert.deepEqual(JSON.parse(text), UNAUTHORIZED);
      });
    }

    for (const [route, { why, answers }] of Object.entries(PUBLIC)) {
      for (const [method, answer] of Object.entries(answers)) {
        const path = answer.path ?? pathOf(route);
        test(`${method} ${path} is public (${why}): ${answer.status}`, async () => {
          const headers = answer.body === undefined ? undefined : { 'content-type': 'application/json' };
          const response = await fetch(`${app.url}${path}`, { method, headers, body: answer.body, redirect: 'manual' });
          const text = await response.text();
          assert.equal(response.status, answer.status, text.slice(0, 200));
          if (answer.json !== undefined) assert.deepEqual(JSON.parse(text), answer.json);
          if (text.startsWith('{')) assert.notDeepEqual(JSON.parse(text), UNAUTHORIZED, 'not the user guard');
        });
      }
    }
  });

  describe("another user's ids", () => {
    const ids = {} as Record<Resource, string>;
    let aliceKey: string;

    /** What Alice sees of her thing: it must read the same after every attempt of Bob's. */
    const snapshot = async (resource: Resource): Promise<unknown> => {
      if (resource === 'session') {
        const response = await fetch(`${app.url}/api/sessions/${ids.session}`, { headers: alice.bearer });
        return { status: response.status, body: await response.json() };
      }
      if (resource === 'report') {
        const response = await fetch(`${app.url}/api/reports/${ids.report}`, { headers: alice.bearer });
        return { status: response.status, body: await response.json() };
      }
      const listed = (await (await fetch(`${app.url}/api/keys`, { headers: alice.bearer })).json()) as {
        keys: Array<{ id: string; name: string }>;
      };
      const works = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${aliceKey}` } });
      return {
        listed: listed.keys.filter((key) => key.id === ids.key).map((key) => key.name),
        works: works.status,
        me: ((await works.json()) as { email?: string }).email,
      };
    };

    before(async () => {
      ids.session = `alice-${randomUUID()}`;
      const chat = await fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice.bearer },
        body: JSON.stringify({ session_id: ids.session, message: 'A private question' }),
      });
      assert.equal(chat.status, 200);
      assert.match(await chat.text(), /event: done/);

      const report = await fetch(`${app.url}/api/ui/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice.bearer },
        body: JSON.stringify({ topic: 'Private tides', max_tokens: 200 }),
      });
      assert.equal(report.status, 200);
      ids.report = report.headers.get('x-report-id') ?? assert.fail('no x-report-id');
      await report.text();
      // The report is stored as it ended just after its stream ends.
      await eventually(
        async () => ((await snapshot('report')) as { body: { status: string } }).body.status !== 'streaming',
        'the report is stored',
      );

      const key = await createKey(app, alice.bearer, 'alice spare');
      [ids.key, aliceKey] = [key.id, key.key];
    });

    test('every route that acts on an id is on the list, with each method it exports', () => {
      const routes = actsOnIds();
      assert.deepEqual(Object.keys(CROSS_USER).sort(), routes, 'a route that acts on an id without an entry, or an entry without a route');
      for (const route of routes)
        assert.deepEqual(Object.keys(CROSS_USER[route]!.attempts).sort(), [...exportedMethods(route)].sort(), route);
    });

    test("Alice's things are there and read as hers", async () => {
      assert.deepEqual(await snapshot('key'), { listed: ['alice spare'], works: 200, me: alice.email });
      type Message = { role: string; status: string; parts: Array<{ type: string; text?: string }> };
      const session = (await snapshot('session')) as { status: number; body: { title: string; messages: Message[] } };
      assert.equal(session.status, 200);
      assert.equal(session.body.title, 'A private question');
      assert.deepEqual(
        session.body.messages.map((m) => [m.role, m.status]),
        [
          ['user', 'complete'],
          ['assistant', 'complete'],
        ],
      );
      assert.match(session.body.messages[1]!.parts.map((p) => p.text ?? '').join(''), /^Here is a short reply about “A private question”/);
      const report = (await snapshot('report')) as { status: number; body: { topic: string } };
      assert.deepEqual([report.status, report.body.topic], [200, 'Private tides']);
    });

    for (const [route, { resource, attempts }] of Object.entries(CROSS_USER)) {
      for (const [method, list] of Object.entries(attempts)) {
        for (const attempt of list) {
          for (const credential of ['API key', 'session cookie'] as const) {
            test(`${method} ${route}: Bob cannot ${attempt.what} (${credential}): 404, and it is unchanged`, async () => {
              const id = ids[resource];
              const before = await snapshot(resource);
              const auth = credential === 'API key' ? bob.bearer : { cookie: bob.cookie, origin: app.url };
              const body = attempt.body && JSON.stringify(attempt.body(id));
              const headers = body ? { 'content-type': 'application/json', ...auth } : auth;
              const response = await fetch(`${app.url}${attempt.path(id)}`, { method, headers, body, redirect: 'manual' });
              const text = await response.text();
              assert.equal(response.status, 404, text.slice(0, 200));
              assert.deepEqual(JSON.parse(text), { error: 'not_found', detail: attempt.detail });
              assert.deepEqual(await snapshot(resource), before, `Alice's ${resource} is as it was`);
              if (isDynamic(route)) {
                // The same answer as for an id that does not exist: nothing tells Bob it is taken.
                const missing = await fetch(`${app.url}${attempt.path(`missing-${randomUUID()}`)}`, { method, headers, body });
                assert.deepEqual([missing.status, await missing.json()], [404, JSON.parse(text)], 'as for an id that does not exist');
              }
            });
          }
        }
      }
    }

    test('Bob sees none of it in his own lists', async () => {
      const sessions = (await (await fetch(`${app.url}/api/sessions`, { headers: bob.bearer })).json()) as {
        sessions: Array<{ id: string }>;
      };
      const reports = (await (await fetch(`${app.url}/api/reports`, { headers: bob.bearer })).json()) as { reports: Array<{ id: string }> };
      const keys = (await (await fetch(`${app.url}/api/keys`, { headers: bob.bearer })).json()) as { keys: Array<{ id: string }> };
      assert.deepEqual(sessions.sessions, []);
      assert.deepEqual(reports.reports, []);
      assert.equal(keys.keys.length, 1, 'only the key newUser made him');
      assert.notEqual(keys.keys[0]!.id, ids.key);
    });
  });
});
