import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';

test('an abnormal closure nobody noticed is a connection event, never an app error', () => {
  const inc = new Incident()
    .session({ port: 50001, accept: T0, tt: 3000, state: 'cD' })
    .session({ port: 50002, accept: T0, tt: 1000, state: '--' })
    .session({ port: 50003, accept: T0, tt: 800, state: 'CD' });
  const { appErrors, connections } = inc.run();
  assert.equal(appErrors.length, 0);
  const causes = connections.map((c) => ga(c).cause).sort();
  assert.deepEqual(causes, ['app_closed', 'haproxy_timeout_client']);
});

test('time-only candidates with different stories lower the confidence and are counted', () => {
  const inc = new Incident()
    .session({ port: 51001, accept: T0, tt: 3000, state: 'cD', server: 'replica1' })
    .session({ port: 51002, accept: T0, tt: 3000, state: 'SD', server: 'replica2' })
    .php2006(T0 + 6000);
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 1);
  const g = ga(appErrors[0]!);
  assert.equal((g.join as { candidates: number }).candidates, 2);
  assert.ok((g.confidence as number) <= 0.5, `confidence ${g.confidence} should be lowered`);
});

test('one dead connection explains at most one app error', () => {
  const inc = new Incident()
    .session({ port: 52001, accept: T0, tt: 3000, state: 'cD' })
    .php2006(T0 + 5000)
    .php2006(T0 + 7000);
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 2);
  const joined = appErrors.filter((e) => e.source !== undefined);
  assert.equal(joined.length, 1);
});
