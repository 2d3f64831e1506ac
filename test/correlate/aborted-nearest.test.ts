/**
 * A close with no known thread takes an unclaimed Aborted line of its server by time (aborted.ts): the nearest
 * non-KILLED one in its seconds (`abortedNear`), or for a `--` close the latest (KILLED) one (`orphanAborted`), which
 * a time-only join's pre-check looks for first (rules.ts `mayTellCauseAtError`). They no longer scan every line of
 * those seconds; these tests hold them to what a scan of the range picks, on servers
 * logging many lines a second, most of them claimed, with many stamped in the same millisecond.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abortedNear, orphanAborted } from '../../src/correlate/aborted.js';
import { mayTellCauseAtError } from '../../src/correlate/rules.js';
import type { Claim } from '../../src/correlate/claims.js';
import type { Aborted, AppError, Session } from '../../src/correlate/model.js';
import type { CorrelateSettings } from '../../src/correlate/settings.js';
import { Store, type Instance } from '../../src/correlate/store.js';

/** a small deterministic generator (the test's cases are the same at every run) */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const REASONS = ['error_reading', 'timeout_reading', 'killed', 'unauthenticated'];
const cfg = { skew: 1000 } as CorrelateSettings;

/** `n` lines over `seconds` on whole seconds or milliseconds (MariaDB stamps whole seconds: many share one time) */
function server(seed: number, n: number, seconds: number, claimedShare: number): Instance {
  const r = rng(seed);
  const store = new Store();
  const inst = store.instance('replica1');
  for (let i = 0; i < n; i++) {
    const ms = r() < 0.5 ? Math.floor(r() * seconds) * 1000 : Math.floor(r() * seconds * 1000);
    const reason = REASONS[Math.floor(r() * REASONS.length)]!;
    const a: Aborted = {
      instance: 'replica1',
      t: T0 + ms,
      threadId: undefined,
      reason,
      killer: undefined,
      byShutdown: reason === 'killed' && r() < 0.2,
      ev: { kind: 'mysql_error', file: 'error.log', offset: i, text: `line ${i}`, t: T0 + ms },
      claimed: r() < claimedShare,
    };
    store.addAborted(inst, a);
  }
  return inst;
}

/** every line of the instance in time order (as `TimeList.range` gives them) */
const lines = (inst: Instance): Aborted[] => [...inst.aborted.all()];

/** what a scan of the range keeping the first nearest picks */
function scanNearest(inst: Instance, end: number): Aborted | undefined {
  let best: Aborted | undefined;
  for (const a of lines(inst)) {
    if (a.t < end - 2000 || a.t > end + 4000 || a.claimed || a.reason === 'killed') continue;
    if (!best || Math.abs(a.t - end) < Math.abs(best.t - end)) best = a;
  }
  return best;
}

/** what a scan of the range keeping the last latest (KILLED) line picks */
function scanLatestKill(inst: Instance, from: number, to: number): Aborted | undefined {
  let best: Aborted | undefined;
  for (const a of lines(inst)) {
    if (a.t < from || a.t > to || a.claimed || a.reason !== 'killed' || a.byShutdown) continue;
    if (!best || a.t >= best.t) best = a;
  }
  return best;
}

const session = (accept: number, end: number, state: string): Session =>
  ({ accept, end, state, server: 'replica1', aborted: undefined }) as unknown as Session;

for (const claimedShare of [0, 0.5, 0.95]) {
  const claimed = `${claimedShare * 100} % claimed`;
  test(`a close without a thread takes the nearest free Aborted line, the first of equals (${claimed})`, () => {
    const inst = server(7 + claimedShare * 100, 3000, 20, claimedShare);
    const r = rng(99);
    let found = 0;
    for (let i = 0; i < 400; i++) {
      const end = T0 + (r() < 0.3 ? Math.floor(r() * 22) * 1000 : Math.floor(r() * 22_000)) - 1000;
      const claims: Claim[] = [];
      const got = abortedNear(inst, undefined, session(end - 500, end, 'cD'), cfg, claims);
      const want = scanNearest(inst, end);
      assert.equal(got?.ev, want?.ev, `close at +${end - T0} ms`);
      assert.equal(claims.length, want ? 1 : 0);
      if (want) {
        found++;
        // the claim applied, as the caller that keeps the verdict does: the next close cannot take it
        want.claimed = true;
      }
    }
    assert.ok(found > 0);
  });

  test(`a normal close without a thread takes the latest free (KILLED) line of its seconds (${claimed})`, () => {
    const inst = server(11 + claimedShare * 100, 3000, 20, claimedShare);
    const r = rng(5);
    let found = 0;
    for (let i = 0; i < 400; i++) {
      const end = T0 + Math.floor(r() * 22_000) - 1000;
      const accept = end - Math.floor(r() * 5000);
      for (const err of [undefined, { t: end + 100 }]) {
        const claims: Claim[] = [];
        const got = orphanAborted(inst, session(accept, end, '--'), cfg, err as never, claims);
        const from = (err ? accept : end) - 2000;
        const want = scanLatestKill(inst, from, end + 1000);
        assert.equal(got, want, `close at +${end - T0} ms, ${err ? 'with' : 'without'} an app error`);
        if (want) found++;
      }
    }
    assert.ok(found > 0);
  });
}

test("a time-only join's pre-check finds a free (KILLED) line for a normal close as a scan of every line does", () => {
  const e = { t: T0, res: 1000, file: 'app.log', code: '2006' } as AppError;
  const seen = new Set<boolean>();
  for (const [n, claimedShare] of [
    [3000, 0.5],
    [3000, 0.95],
    [60, 0],
    [60, 0.5],
  ] as const) {
    const store = new Store();
    store.instances.set('replica1', server(n + claimedShare * 100, n, 20, claimedShare));
    const inst = store.instances.get('replica1')!;
    const r = rng(23);
    for (let i = 0; i < 400; i++) {
      const end = T0 + Math.floor(r() * 22_000) - 1000;
      const accept = end - Math.floor(r() * 5000);
      const want = scanLatestKill(inst, accept - 2000, end + 1000) !== undefined;
      const got = mayTellCauseAtError(store, session(accept, end, '--'), cfg, e);
      assert.equal(got, want, `close at +${end - T0} ms, ${n} lines, ${claimedShare * 100} % claimed`);
      seen.add(want);
    }
  }
  assert.equal(seen.size, 2, 'closes with and without a free (KILLED) line were met');
});
