import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';

// The classic "gone away": a queue worker idles for an hour, HAProxy's `timeout client` closed its
// connection long before, and the next job fails. The window is max_error_lag (15 min by default),
// so nothing in it proves which closure it was: the error stays unknown, but says what to change.
const S = T0 + 10_000;
const MIN = 60_000;

test('an error long after the only abnormal close stays unknown and names it and max_error_lag', () => {
  const { appErrors, connections } = new Incident()
    .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'cD' })
    .session({ port: 40002, accept: S + 10 * MIN, tt: 100, state: '--' })
    .php2006(S + 35 * MIN)
    .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' })
    .run();
  assert.equal(appErrors.length, 1);
  const g = ga(appErrors[0]!);
  assert.equal(g.cause, 'unknown');
  assert.match(String(g.why), /cD 127\.0\.0\.1:40001 on replica1, 35 min before the error/);
  assert.match(String(g.why), /--max-error-lag 1h/);
  assert.match(JSON.stringify(g.evidence), /:40001 /, 'the earlier closure is shown as evidence');
  assert.equal(connections.length, 1, 'the closure is still reported as a silent one');
});

test('with max_error_lag above the gap the same error is joined to that closure', () => {
  const { appErrors } = new Incident()
    .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'cD' })
    .php2006(S + 35 * MIN)
    .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' })
    .run({ maxLag: 60 * MIN });
  assert.equal(ga(appErrors[0]!).cause, 'haproxy_timeout_client');
});

test('just past the lag, while the closure is still in memory, the hint is given too', () => {
  const { appErrors } = new Incident()
    .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'sD' })
    .php2006(S + 16 * MIN)
    .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' })
    .run();
  assert.match(String(ga(appErrors[0]!).why), /sD 127\.0\.0\.1:40001 on replica1, 16 min before/);
});

test('an error with its own local port only names a closure of that port', () => {
  const { appErrors } = new Incident()
    .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'cD' })
    .nodeLost(S + 35 * MIN, 40009, 12)
    .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' })
    .run();
  assert.equal(ga(appErrors[0]!).cause, 'unknown');
  assert.doesNotMatch(String(ga(appErrors[0]!).why), /40001/);
});
