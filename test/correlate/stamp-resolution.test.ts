import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';
import { stampResolution } from '../../src/correlate/model.js';

// PyMySQL stamps milliseconds (`,353`). One error in a thousand falls on `,000`: it still means that instant,
// not any instant of its second (model.ts `stampResolution`). Two queries cut by HAProxy's `timeout server`
// (`sD`): the error's own at .002, another connection's at .800 of the same second.
const B = T0 + 24_000;
const twoCutsInOneSecond = () =>
  new Incident()
    .session({ port: 38936, accept: B + 2 - 4000, tt: 4000, state: 'sD' })
    .session({ port: 38960, accept: B + 800 - 4000, tt: 4000, state: 'sD' });
const lost = "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')";
const portOf = (e: Doc) => (e.source as Doc | undefined)?.port;

test('a millisecond log whose first error is stamped on ,000 is joined at that instant, not anywhere in its second', () => {
  const { appErrors } = twoCutsInOneSecond().python(B, 'py-1', lost).run({ skew: 100 });
  assert.equal(appErrors.length, 1);
  assert.equal(portOf(appErrors[0]!), 38936, String(ga(appErrors[0]!).why));
  assert.doesNotMatch(String(ga(appErrors[0]!).why), /candidate closures/);
});

test('the same error stamped ,001 is joined alike (the stamp ,000 changes nothing)', () => {
  const { appErrors } = twoCutsInOneSecond()
    .python(B + 1, 'py-1', lost)
    .run({ skew: 100 });
  assert.equal(appErrors.length, 1);
  assert.equal(portOf(appErrors[0]!), 38936, String(ga(appErrors[0]!).why));
  assert.doesNotMatch(String(ga(appErrors[0]!).why), /candidate closures/);
});

test('a whole-second log (Laravel) still means any instant of its second: both cuts are candidates', () => {
  const { appErrors } = twoCutsInOneSecond().php2006(B).run({ skew: 100 });
  assert.equal(appErrors.length, 1);
  assert.match(String(ga(appErrors[0]!).why), /2 candidate closures/);
});

test('a stamp on the second means its whole second only when its line wrote no fraction', () => {
  const t = T0 + 24_000;
  assert.equal(stampResolution(t, '[2026-11-23 20:21:24] production.ERROR: 2006 MySQL server has gone away'), 1000);
  assert.equal(stampResolution(t, '2026-11-23 20:21:24,000 ERROR [py-1] shop: failed'), 0);
  assert.equal(stampResolution(t, '{"level":"error","time":"2026-11-23T20:21:24.000Z","msg":"lost"}'), 0);
  assert.equal(stampResolution(t, `{"level":50,"time":${t},"msg":"mysql connection error"}`), 0);
  // a fraction on another second, or below the first line, is not the stamp's
  assert.equal(stampResolution(t, '[2026-11-23 20:21:24] ERROR: slow since 20:21:19.250'), 1000);
  assert.equal(stampResolution(t, '[2026-11-23 20:21:24] ERROR: lost\n  at 20:21:24.500 in pool'), 1000);
  assert.equal(stampResolution(t + 7), 0);
  assert.equal(stampResolution(t), 1000);
});
