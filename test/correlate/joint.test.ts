import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  JOINT_MAX,
  JOINT_TOP,
  TakenMass,
  assignmentMarginals,
  competingGroups,
  jointMarginals,
} from '../../src/correlate/joint.js';
import type { Session } from '../../src/correlate/model.js';

const sess = (port: number, end: number): Session =>
  ({ clientIp: '10.0.1.11', clientPort: port, accept: end - 20_000, end, server: 'replica1' }) as Session;

test('a closure earlier errors weighed is taken as far as the surest of them said it was theirs', () => {
  const t = new TakenMass();
  assert.equal(t.of(sess(1, 10_000)), 0);
  t.add(sess(1, 10_000), 0.3);
  t.add(sess(1, 10_000), 0.6);
  t.add(sess(1, 10_000), 0.2);
  // a fresh copy of the same session (the window gives copies of `--` sessions) is the same closure
  assert.equal(t.of(sess(1, 10_000)), 0.6);
  assert.equal(t.of(sess(2, 10_000)), 0);
});

test('closures older than the window are forgotten, newer ones kept', () => {
  const t = new TakenMass();
  for (let i = 0; i < 10; i++) t.add(sess(i, i * 1000), 0.5);
  t.trim(5000);
  assert.equal(t.size, 5);
  assert.equal(t.of(sess(4, 4000)), 0);
  assert.equal(t.of(sess(5, 5000)), 0.5);
});

test('looking each candidate up once, then adding its share to that entry, keeps what adding by session keeps', () => {
  // time-join.ts weighs every candidate of an error, then adds their shares: one lookup per candidate serves both,
  // including two candidates of one closure (fresh copies of a `--` session) that was not taken before the error
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.double({ min: -0.5, max: 1.5, noNaN: true }))), {
        maxLength: 6,
      }),
      (errors) => {
        const byEntry = new TakenMass();
        const bySession = new TakenMass();
        for (const cands of errors) {
          const entries = cands.map(([port]) => byEntry.lookup(sess(port, 10_000)));
          for (const [i, [port]] of cands.entries())
            assert.equal(byEntry.massOf(entries[i]!), bySession.of(sess(port, 10_000)));
          for (const [i, [port, p]] of cands.entries()) {
            byEntry.addAt(entries[i]!, sess(port, 10_000), p);
            bySession.add(sess(port, 10_000), p);
          }
          for (let port = 0; port <= 3; port++)
            assert.equal(byEntry.of(sess(port, 10_000)), bySession.of(sess(port, 10_000)));
          assert.equal(byEntry.size, bySession.size);
        }
      },
    ),
  );
});

test('two alike errors and two closures: each error met either one with probability 1/2, however unequal the weights', () => {
  const m = jointMarginals(
    [
      ['kill', 0.9],
      ['timeout', 0.01],
    ],
    2,
  );
  assert.ok(Math.abs(m.get('kill')! - 0.5) < 1e-12);
  assert.ok(Math.abs(m.get('timeout')! - 0.5) < 1e-12);
});

test('the joint marginals of alike errors are a probability, favour likelier closures, and match brute force', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 3, maxLength: 7 }),
      fc.constantFrom(2, 3),
      (ws, k) => {
        const m = jointMarginals(
          ws.map((w, i) => [String(i), w] as const),
          k,
        );
        const total = [...m.values()].reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - 1) < 1e-9);
        // brute force: every ordered assignment of k errors to distinct closures, weighed by the product
        const brute = new Array<number>(ws.length).fill(0);
        const rec = (used: number[]) => {
          if (used.length === k) {
            const p = used.reduce((a, i) => a * ws[i]!, 1);
            brute[used[0]!] += p;
            return;
          }
          for (let i = 0; i < ws.length; i++) if (!used.includes(i)) rec([...used, i]);
        };
        rec([]);
        const z = brute.reduce((a, b) => a + b, 0);
        ws.forEach((_, i) => assert.ok(Math.abs(m.get(String(i))! - brute[i]! / z) < 1e-9));
      },
    ),
  );
});

/** brute force: every assignment of the errors to distinct closures (a closure an error does not weigh: 0) */
function bruteMarginals(errors: Array<Array<readonly [string, number]>>): Map<string, number>[] {
  const keys = [...new Set(errors.flatMap((ws) => ws.map(([k]) => k)))];
  const weight = errors.map((ws) => new Map(ws));
  const marg = errors.map(() => new Map<string, number>());
  let z = 0;
  const rec = (i: number, used: string[], p: number): void => {
    if (i === errors.length) {
      z += p;
      used.forEach((k, j) => marg[j]!.set(k, (marg[j]!.get(k) ?? 0) + p));
      return;
    }
    for (const k of keys) if (!used.includes(k)) rec(i + 1, [...used, k], p * (weight[i]!.get(k) ?? 0));
  };
  rec(0, [], 1);
  return marg.map((m) => new Map([...m].map(([k, p]) => [k, p / z])));
}

// a closure key is a small number; each error weighs a subset of them (the candidates it has), a few shared
const instance = (maxErrors: number, maxKeys: number) =>
  fc.array(
    fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: maxKeys - 1 }), fc.double({ min: 0.001, max: 1, noNaN: true })), {
      minLength: 1,
      maxLength: maxKeys,
      selector: ([k]) => k,
    }),
    { minLength: 2, maxLength: maxErrors },
  );

test('errors of different logs, each with its own weights: the marginals of the exact assignment match brute force', () => {
  fc.assert(
    fc.property(instance(JOINT_MAX, 6), (raw) => {
      const errors = raw.map((ws) => ws.map(([k, w]) => [String(k), w] as const));
      const brute = bruteMarginals(errors);
      const hasAssignment = brute.every((m) => [...m.values()].every((p) => Number.isFinite(p)));
      fc.pre(hasAssignment && brute[0]!.size > 0);
      const m = assignmentMarginals(errors);
      errors.forEach((ws, i) => {
        const total = [...m[i]!.values()].reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - 1) < 1e-9, `error ${i}: total ${total}`);
        for (const [k] of ws) assert.ok(Math.abs(m[i]!.get(k)! - (brute[i]!.get(k) ?? 0)) < 1e-9, `error ${i}, ${k}`);
      });
    }),
  );
});

test('every candidate counts, beyond the few likeliest that say whom an error competes with', () => {
  // three errors, each with up to 24 of 32 closures (several times JOINT_TOP): exact over all of them
  fc.assert(
    fc.property(instance(JOINT_MAX, 32), (raw) => {
      fc.pre(raw.length === JOINT_MAX && raw.every((ws) => ws.length > JOINT_TOP));
      const errors = raw.map((ws) => ws.map(([k, w]) => [String(k), w] as const));
      const brute = bruteMarginals(errors);
      const m = assignmentMarginals(errors);
      errors.forEach((ws, i) => {
        for (const [k] of ws) assert.ok(Math.abs(m[i]!.get(k)! - brute[i]!.get(k)!) < 1e-9, `error ${i}, ${k}`);
      });
    }),
    { numRuns: 30 },
  );
});

test('alike errors (the same weights) get the marginals of the symmetric fast path', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 3, maxLength: JOINT_TOP }),
      fc.constantFrom(2, 3),
      (ws, k) => {
        const weights = ws.map((w, i) => [String(i), w] as const);
        const fast = jointMarginals(weights, k);
        for (const m of assignmentMarginals(new Array(k).fill(weights)))
          for (const [key, p] of fast) assert.ok(Math.abs(m.get(key)! - p) < 1e-9);
      },
    ),
  );
});

test('two errors that both need the one closure neither can do without keep their own weights', () => {
  const m = assignmentMarginals([[['x', 1]], [['x', 0.5]]]);
  assert.equal(m[0]!.get('x'), 1);
  assert.equal(m[1]!.get('x'), 1);
});

test("errors compete when their likeliest closures overlap, directly or through another error's", () => {
  const groups = competingGroups([
    [
      ['a', 1],
      ['b', 0.5],
    ],
    [['c', 1]],
    [
      ['b', 1],
      ['d', 0.2],
    ],
    [['d', 1]],
    [['e', 0]],
  ]);
  assert.deepEqual(
    groups.map((g) => [...g].sort()).sort((x, y) => x[0]! - y[0]!),
    [[0, 2, 3], [1], [4]],
  );
});
