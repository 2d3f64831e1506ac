import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { learnOrigin, originPrior } from '../../src/correlate/app-origin.js';
import type { Session } from '../../src/correlate/model.js';
import type { Store } from '../../src/correlate/store.js';

// app-origin.ts keys its counts by the Correlator's store and reads only a session's client address and
// frontend: stand-ins for both are enough here
const store = (): Store => ({}) as Store;
const sess = (clientIp: string, frontend = 'mysql_ro'): Session => ({ clientIp, frontend }) as Session;

test('an origin nothing has been learned of weighs as much as any other', () => {
  const st = store();
  assert.equal(originPrior(st, 'app-php.log', sess('10.0.1.11')), originPrior(st, 'app-php.log', sess('10.0.2.7')));
});

test("a join by client port makes its session's origin likelier for that app only", () => {
  const st = store();
  learnOrigin(st, 'app-node.log', [[sess('10.0.1.12'), 1]]);
  assert.ok(originPrior(st, 'app-node.log', sess('10.0.1.12')) > originPrior(st, 'app-node.log', sess('10.0.2.7')));
  // another app log, another Correlator: nothing learned there
  assert.equal(originPrior(st, 'app-php.log', sess('10.0.1.12')), originPrior(st, 'app-php.log', sess('10.0.2.7')));
  assert.equal(originPrior(store(), 'app-node.log', sess('10.0.1.12')), 1);
});

test('the same address through another frontend is another origin', () => {
  const st = store();
  learnOrigin(st, 'app-php.log', [[sess('10.0.1.11', 'mysql_ro'), 1]]);
  assert.ok(
    originPrior(st, 'app-php.log', sess('10.0.1.11', 'mysql_ro')) >
      originPrior(st, 'app-php.log', sess('10.0.1.11', 'mysql_rw')),
  );
});

test("time-only joins' posterior shares add up: the origin that keeps taking mass ends up the likeliest", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0.51, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }), (ps) => {
      const st = store();
      // each error: share p on the app's host, the rest on a different one each time (a proxy's other clients)
      ps.forEach((p, i) =>
        learnOrigin(st, 'app-php.log', [
          [sess('10.0.1.11'), p],
          [sess(`10.0.2.${i}`), 1 - p],
        ]),
      );
      const own = originPrior(st, 'app-php.log', sess('10.0.1.11'));
      for (let i = 0; i < ps.length; i++) assert.ok(own > originPrior(st, 'app-php.log', sess(`10.0.2.${i}`)));
      // the counts are the shares (plus Laplace's 1): nothing invented, nothing lost
      assert.ok(Math.abs(own - 1 - ps.reduce((a, b) => a + b, 0)) < 1e-9);
    }),
  );
});
