import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppOrigins } from '../../src/correlate/app-origin.js';
import type { Session } from '../../src/correlate/model.js';

// one AppOrigins per Correlator (Store.origins); it reads only a session's client address and frontend
const store = (): AppOrigins => new AppOrigins();
const sess = (clientIp: string, frontend = 'mysql_ro'): Session => ({ clientIp, frontend }) as Session;

test('an origin nothing has been learned of weighs as much as any other', () => {
  const st = store();
  assert.equal(st.prior('app-php.log', sess('10.0.1.11')), st.prior('app-php.log', sess('10.0.2.7')));
});

test("a join by client port makes its session's origin likelier for that app only", () => {
  const st = store();
  st.learn('app-node.log', [[sess('10.0.1.12'), 1]]);
  assert.ok(st.prior('app-node.log', sess('10.0.1.12')) > st.prior('app-node.log', sess('10.0.2.7')));
  // another app log, another Correlator: nothing learned there
  assert.equal(st.prior('app-php.log', sess('10.0.1.12')), st.prior('app-php.log', sess('10.0.2.7')));
  assert.equal(store().prior('app-node.log', sess('10.0.1.12')), 1);
});

test('the same address through another frontend is another origin', () => {
  const st = store();
  st.learn('app-php.log', [[sess('10.0.1.11', 'mysql_ro'), 1]]);
  assert.ok(
    st.prior('app-php.log', sess('10.0.1.11', 'mysql_ro')) > st.prior('app-php.log', sess('10.0.1.11', 'mysql_rw')),
  );
});

test("time-only joins' posterior shares add up: the origin that keeps taking mass ends up the likeliest", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0.51, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }), (ps) => {
      const st = store();
      // each error: share p on the app's host, the rest on a different one each time (a proxy's other clients)
      ps.forEach((p, i) =>
        st.learn('app-php.log', [
          [sess('10.0.1.11'), p],
          [sess(`10.0.2.${i}`), 1 - p],
        ]),
      );
      const own = st.prior('app-php.log', sess('10.0.1.11'));
      for (let i = 0; i < ps.length; i++) assert.ok(own > st.prior('app-php.log', sess(`10.0.2.${i}`)));
      // the counts are the shares (plus Laplace's 1): nothing invented, nothing lost
      assert.ok(Math.abs(own - 1 - ps.reduce((a, b) => a + b, 0)) < 1e-9);
    }),
  );
});
