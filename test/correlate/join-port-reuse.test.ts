import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

// Ports are reused: the same client port appears in an old clean session, in the session that
// died, and in a new session after the error. Only the one that ended before the error matches.
test('a local port reused by several sessions joins the one that ended just before the error', () => {
  const inc = new Incident()
    .session({ port: 47064, accept: T0 - 600_000, tt: 1_000, state: '--' })
    .session({ port: 47064, accept: T0, tt: 3029, state: 'cD' })
    .session({ port: 47064, accept: T0 + 9_000, tt: 500, state: '--' })
    .nodeLost(T0 + 3029 + 2, 47064, 13);
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 1);
  const e = appErrors[0]!;
  assert.equal(ga(e).cause, 'haproxy_timeout_client');
  assert.equal(ga(e).terminated_by, 'haproxy');
  assert.equal((ga(e).join as Doc).method, 'client_port');
  assert.equal((e.source as Doc).port, 47064);
  assert.equal((e.haproxy as Doc).accept_date, new Date(T0).toISOString());
});

test('an error whose port matches no session in the window falls back to other evidence, never to a stale session', () => {
  const inc = new Incident()
    .session({ port: 40000, accept: T0 - 3_600_000, tt: 1_000, state: 'cD' })
    .nodeLost(T0, 40000, 13);
  const { appErrors } = inc.run({ maxLag: 60_000 });
  assert.equal(appErrors.length, 1);
  assert.notEqual((ga(appErrors[0]!).join as Doc).method, 'client_port');
  assert.equal(ga(appErrors[0]!).cause, 'unknown');
});
