/**
 * A crash (kill -9, OOM) is logged only by the restart's crash recovery, and HAProxy closes its victims as `D-`
 * when its checks mark the server DOWN, seconds after the process died (docs/lab-findings.md §3, 06b and 06c).
 * The app that was using such a connection fails at the crash: before HAProxy's close and before the restart's
 * line. The time model must read the crash as somewhere in [session start, restart], not at the restart
 * (src/correlate/rules.ts `lifecycleDuring`, likelihood.ts `atFrom`). Seen in a real lab run: a PHP 2006
 * 0.5 s after a kill -9, the `D-` close 1.3 s after the error, the recovery 2 s after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeLikelihood, type ClosureFacts } from '../../src/correlate/likelihood.js';

const T = Date.UTC(2026, 11, 6, 11, 34, 31);
// PHP stamps whole seconds
const err = { t: T, res: 1000 };
const model = { skew: 1000, maxLag: 900_000 };
const noLag = () => 0;
const crash: ClosureFacts = {
  end: T + 1686, // HAProxy's D- at the DOWN
  at: T + 2000, // the restart's crash recovery line (whole second)
  state: 'D-',
  cause: 'mysql_crash',
};

test('a crash seen only at the restart: an error between the session start and HAProxy`s D- close fits it', () => {
  const without = timeLikelihood(err, crash, model, noLag);
  const within = timeLikelihood(err, { ...crash, atFrom: T - 4627 }, model, noLag);
  // with the first cause placed at the restart, only the skew tolerance (prior 0.1) lets the error fit
  assert.ok(within > 5 * without, `${within} vs ${without}`);
  assert.ok(within > 0.05, `${within}`);
});

test('the interval does not make any error fit: one before the session began is as unlikely as before', () => {
  const early = { t: T - 60_000, res: 1000 };
  const within = timeLikelihood(early, { ...crash, atFrom: T - 4627 }, model, noLag);
  const without = timeLikelihood(early, crash, model, noLag);
  assert.ok(within <= without + 1e-12, `${within} vs ${without}`);
});
