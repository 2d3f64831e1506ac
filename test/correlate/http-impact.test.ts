import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

// docs/lab-findings.md §3, scenario 12: the HTTP line only shows a 500 with normal flags; the cause is the DB session
// that HAProxy closed (cD) while the request was in flight. The verdict links the failed request.
test('the 5xx request in flight when the app hit the dead connection is linked as the user-facing impact', () => {
  const inc = new Incident()
    .session({ port: 34478, accept: T0, tt: 4254, state: 'cD' })
    .http(T0 + 1235, 5017, 500, 'GET /product.php?id=13&work=5 HTTP/1.1')
    .http(T0 + 60_000, 20, 500, 'GET /unrelated HTTP/1.1', 55300)
    .php2006(T0 + 6000);
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 1);
  const impact = (ga(appErrors[0]!).impact as Doc | undefined)?.http as Doc | undefined;
  assert.ok(impact, 'impact.http is set');
  assert.equal(impact.status_code, 500);
  assert.equal(impact.request, 'GET /product.php?id=13&work=5 HTTP/1.1');
  assert.equal(ga(appErrors[0]!).cause, 'haproxy_timeout_client');
});

test('no 5xx in flight: no impact is invented', () => {
  const inc = new Incident()
    .session({ port: 34479, accept: T0, tt: 3000, state: 'cD' })
    .http(T0 + 100, 50, 200, 'GET /ok HTTP/1.1')
    .php2006(T0 + 6000);
  const e = inc.run().appErrors[0]!;
  assert.equal(ga(e).impact, undefined);
});
