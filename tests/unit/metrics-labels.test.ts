import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_ROUTE_FOLDERS } from '../../lib/ops/api-routes';
import { endpointLabeller, endpointOf } from '../../lib/ops/metrics';
import { pathOf, routeFiles } from '../support/routes';

// The `endpoint` label of streamwright_http_requests_total (and the stream metrics): one per route
// file under app/api, so a new route is labelled without being listed. Over HTTP:
// tests/api/observability.test.ts.

describe('metrics endpoint labels', () => {
  test('the route list the labels come from is the route tree', () => {
    assert.deepEqual([...API_ROUTE_FOLDERS], routeFiles(), 'lib/ops/api-routes.ts is out of date with app/api: run `npm run api-routes`');
  });

  test('every route file has a label of its own', () => {
    const routes = routeFiles().filter((route) => !route.startsWith('[[...'));
    const labels = routes.map((route) => endpointOf(pathOf(route)));
    for (const [i, label] of labels.entries()) assert.notEqual(label, 'other', routes[i]);
    assert.equal(new Set(labels).size, labels.length, `one label per route: ${labels.join(', ')}`);
  });

  // Dashboards and alerts use these: each must stay as it is.
  const LABELS: Record<string, string> = {
    '/api/stream': '/api/stream',
    '/api/stream/text': '/api/stream/text',
    '/api/stream/structured': '/api/stream/structured',
    '/api/stream/events': '/api/stream/events',
    '/api/chat': '/api/chat',
    '/api/ui/chat': '/api/ui/chat',
    '/api/ui/chat/s-1/stream': '/api/ui/chat/:id/stream',
    '/api/ui/report': '/api/ui/report',
    '/api/ag-ui': '/api/ag-ui',
    '/api/reports': '/api/reports',
    '/api/reports/r-1': '/api/reports/:id',
    '/api/sessions': '/api/sessions',
    '/api/sessions/s%201': '/api/sessions/:id',
    '/api/sessions/s-1/stop': '/api/sessions/:id/stop',
    '/api/keys': '/api/keys',
    '/api/keys/k-1': '/api/keys/:id',
    '/api/me': '/api/me',
    '/api/me/password': '/api/me/password',
    '/api/me/sign-out-everywhere': '/api/me/sign-out-everywhere',
    '/api/health': '/api/health',
    '/api/ready': '/api/ready',
    '/api/metrics': '/api/metrics',
    '/api/auth/signup': '/api/auth/signup',
    '/api/auth/csrf': '/api/auth/:action',
    '/api/auth/session': '/api/auth/:action',
    '/api/auth/callback/credentials': '/api/auth/:action',
    '/api/auth/callback/cr%65dentials': '/api/auth/:action',
    // next-auth's catch-all takes any depth, as Next.js routes it (and next-auth answers 400 or 404).
    '/api/auth/callback/credentials/more': '/api/auth/:action',
    '/api/auth/signup/more': '/api/auth/:action',
    '/api/nothing-here': 'other',
    '/api/stream/': 'other',
    '/api/sessions/s-1/stop/now': 'other',
    '/api/keys/k-1/x': 'other',
    '/api/': 'other',
    '/api': 'page',
    '/': 'page',
    '/chat': 'page',
    '/sign-in': 'page',
    '/_next/static/chunks/app.js': 'asset',
  };
  for (const [path, label] of Object.entries(LABELS)) {
    test(`${path} is ${label}`, () => assert.equal(endpointOf(path), label));
  }

  test("a tree's labels: static over dynamic over catch-all, route groups left out, optional catch-alls unlabelled", () => {
    const label = endpointLabeller([
      '[[...path]]',
      'keys/[id]',
      'keys/new',
      'files/[...rest]',
      'files/[id]/meta',
      '(admin)/audit',
      'v1.0/x',
    ]);
    assert.equal(label('/api/keys/new'), '/api/keys/new');
    assert.equal(label('/api/keys/k-1'), '/api/keys/:id');
    assert.equal(label('/api/files/f-1/meta'), '/api/files/:id/meta');
    assert.equal(label('/api/files/a/b/c'), '/api/files/:rest');
    assert.equal(label('/api/audit'), '/api/audit');
    assert.equal(label('/api/v1.0/x'), '/api/v1.0/x');
    assert.equal(label('/api/v100/x'), 'other', 'a dot is a dot');
    assert.equal(label('/api/anything/else'), 'other');
  });
});
