import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathOf, routeFiles } from '../../tests/support/routes';
import { API_ROUTE_FOLDERS } from './api-routes';
import { routeMatcher } from './route-match';

test('a path reaches the route Next.js would choose: static, then dynamic, then catch-all, then optional catch-all', () => {
  const routeOf = routeMatcher(['[[...path]]', 'keys/[id]', 'keys/new', 'files/[...rest]', 'files/[id]/meta', '(admin)/audit', 'v1.0/x']);
  assert.equal(routeOf('/api/keys/new'), 'keys/new');
  assert.equal(routeOf('/api/keys/k-1'), 'keys/[id]');
  assert.equal(routeOf('/api/files/f-1/meta'), 'files/[id]/meta');
  assert.equal(routeOf('/api/files/f-1'), 'files/[...rest]');
  assert.equal(routeOf('/api/files/a/b/c'), 'files/[...rest]');
  assert.equal(routeOf('/api/audit'), '(admin)/audit', 'a route group is no part of the path');
  assert.equal(routeOf('/api/v1.0/x'), 'v1.0/x');
  assert.equal(routeOf('/api/v100/x'), '[[...path]]', 'a dot is a dot');
  assert.equal(routeOf('/api/files'), '[[...path]]', 'a catch-all takes one segment at least');
  assert.equal(routeOf('/api'), '[[...path]]', 'an optional catch-all takes none too');
  assert.equal(routeOf('/elsewhere'), undefined);
  assert.equal(routeMatcher(['keys/[id]'])('/api/keys/k-1/x'), undefined);
  assert.equal(routeMatcher(['keys'])('/api/keys/'), undefined, 'Next.js answers a trailing slash with a redirect, before any route');
});

test('each route of the tree is reached by its own path', () => {
  const routeOf = routeMatcher(API_ROUTE_FOLDERS);
  for (const folder of routeFiles()) assert.equal(routeOf(pathOf(folder)), folder);
});
