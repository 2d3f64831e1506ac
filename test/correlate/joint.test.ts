import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TakenMass, jointMarginals } from '../../src/correlate/joint.js';
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
