import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TakenMass } from '../../src/correlate/joint.js';
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
