import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ceilingOf, type Case, type Closure } from '../../bench/oracle.js';

const T = Date.UTC(2026, 10, 23, 20, 0, 0);
const closure = (key: string, end: number, state: string, origin = '10.0.1.11 mysql_ro'): Closure => ({
  key,
  end,
  state,
  origin,
  route: 'mariadb_replicas/replica1',
});

test('ceiling: an error alone in its second is always right; one with a twin of another story at best half', () => {
  const own1 = closure('a:1', T + 100, 'cD');
  const twin = closure('a:2', T + 900, 'SD'); // same second, same client and route: no log tells them apart
  const own2 = closure('a:3', T + 5_300, 'sD');
  // not alike: another second, another client, a clean close (no story)
  const others = [
    closure('a:4', T + 1_100, 'SD'),
    closure('a:5', T + 5_200, 'cD', '10.0.1.13 mysql_ro'),
    closure('a:6', T + 5_400, '--'),
  ];
  const cands = [own1, twin, own2, ...others].map((c) => ({ c, lag: 0 }));
  const cases: Case[] = [
    { app: 'php', cause: 'haproxy_timeout_client', cands, own: own1 },
    { app: 'php', cause: 'haproxy_timeout_server', cands, own: own2 },
  ];
  const story = new Map<Closure, string>([
    [own1, 'haproxy_timeout_client'],
    [own2, 'haproxy_timeout_server'],
  ]);
  const r = ceilingOf(cases, story);
  assert.equal(r.ceiling, 0.5 + 1);
  assert.equal(r.meanTwins, (2 + 1) / 2);
});

test('ceiling: twins that tell the same story cost nothing; an error whose closure is not logged counts 0', () => {
  const own = closure('a:1', T + 100, 'cD');
  const twin = closure('a:2', T + 200, 'cD');
  const cands = [own, twin].map((c) => ({ c, lag: 0 }));
  const r = ceilingOf(
    [
      { app: 'php', cause: 'haproxy_timeout_client', cands, own },
      { app: 'php', cause: 'mysql_kill', cands, own: undefined },
    ],
    new Map([[own, 'haproxy_timeout_client']]),
  );
  assert.equal(r.ceiling, 1);
});
