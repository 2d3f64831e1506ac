import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

// Two apps of two logs (Laravel, and a Go service whose go-sql-driver logs `[mysql] … unexpected EOF`), both on one
// client address, both logging in as `app`, neither logging its local port, both failing in second 30 (whole-second
// stamps, so they are decided at the same tick). Two closures compete:
// - X: thread 12, HAProxy's `timeout server` (`sD`) at 30.400, in the errors' own second; met at the close if a query
//   ran (p = 1/2), and the server then logged that query: thread 12's last one is `select * from invoices …`;
// - Y: thread 13, HAProxy's `timeout client` (`cD`) at 24.000, an idle connection met at its next use, 6 s later.
// Go (no statement) needs X: a close in its own second against a 6-second lag. Laravel logged `select * from orders
// …`, which thread 12 did not run last (docs/confidence.md, "The statement the app logged"): X stays its likelier
// closure, but only mildly. Deciding them one at a time, Laravel (first in the queue) takes X and Go is left with
// X's story too; the assignment that maximises the product of the likelihoods is Laravel → Y, Go → X.
function twoLogsOneSecond(): Incident {
  return new Incident()
    .connect('replica1', T0 + 5, 12)
    .connect('replica1', T0 + 1005, 13)
    .gen('replica1', T0 + 20_000, 12, 'Query', 'select * from invoices where id = 9')
    .session({ port: 43001, accept: T0, tt: 30_400, state: 'sD' })
    .session({ port: 43003, accept: T0 + 1000, tt: 23_000, state: 'cD' })
    .php2006(T0 + 30_000)
    .goLine(T0 + 30_000, 'unexpected EOF');
}

const byFile = (events: Doc[], name: string): Doc =>
  events.find((e) => String(((e.log as Doc).file as Doc).path).endsWith(name))!;

test('errors of two app logs in one second compete for two closures: the joint assignment, not the queue order, pairs them', () => {
  const { appErrors } = twoLogsOneSecond().run();
  assert.equal(appErrors.length, 2);
  const php = byFile(appErrors, 'app-php.log');
  const go = byFile(appErrors, 'app-go.log');
  assert.equal(ga(go).cause, 'haproxy_timeout_server', String(ga(go).why));
  assert.equal((go.source as Doc).port, 43001);
  assert.equal(ga(php).cause, 'haproxy_timeout_client', String(ga(php).why));
  assert.equal((php.source as Doc).port, 43003);
});
