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
  assert.equal(store().prior('app-node.log', sess('10.0.1.12')), store().prior('app-node.log', sess('10.0.2.7')));
});

test('an origin whose closures the app kept meeting is likelier than a busier one whose closures it never met', () => {
  const st = store();
  // the app's own host: 10 closures seen, 8 of them met by its errors; a busy other client: 200 closures, none met
  for (let i = 0; i < 10; i++) st.seen('app-php.log', [{ ...sess('10.0.1.11'), end: i, clientPort: i } as Session]);
  for (let i = 0; i < 200; i++)
    st.seen('app-php.log', [{ ...sess('10.0.2.7'), end: 100 + i, clientPort: i } as Session]);
  st.learn(
    'app-php.log',
    Array.from({ length: 8 }, () => [sess('10.0.1.11'), 1] as const),
  );
  const own = st.prior('app-php.log', sess('10.0.1.11'));
  const busy = st.prior('app-php.log', sess('10.0.2.7'));
  // the rate, not the count: 8 of 10 against 0 of 200 (shrunk towards the app's rate over every origin)
  assert.ok(own > 0.5 && own < 1, `own ${own}`);
  assert.ok(busy < 0.01, `busy ${busy}`);
  // an origin never seen weighs the app's pooled rate: between the two
  const unseen = st.prior('app-php.log', sess('10.0.3.3'));
  assert.ok(busy < unseen && unseen < own);
});

test('a closure is counted once, however many errors list it as a candidate', () => {
  const st = store();
  const a = { ...sess('10.0.2.7'), end: 1000, clientPort: 1 } as Session;
  const b = { ...sess('10.0.2.7'), end: 1000, clientPort: 2 } as Session;
  st.seen('app-php.log', [a]);
  const once = st.prior('app-php.log', sess('10.0.2.7'));
  st.seen('app-php.log', [a]);
  assert.equal(st.prior('app-php.log', sess('10.0.2.7')), once);
  // another closure ending in the same millisecond is another closure
  st.seen('app-php.log', [a, b]);
  assert.ok(st.prior('app-php.log', sess('10.0.2.7')) < once);
});

test('a frontend whose closures the app never met weighs little for a client of it never seen before', () => {
  const st = store();
  // 300 closures through the primary's frontend from 30 clients, none the app's; 20 through the replicas' from its host
  for (let i = 0; i < 300; i++)
    st.seen('app-php.log', [{ ...sess(`10.0.2.${i % 30}`, 'mysql_rw'), end: i, clientPort: i } as Session]);
  for (let i = 0; i < 20; i++)
    st.seen('app-php.log', [{ ...sess('10.0.1.11'), end: 1000 + i, clientPort: i } as Session]);
  st.learn(
    'app-php.log',
    Array.from({ length: 15 }, () => [sess('10.0.1.11'), 1] as const),
  );
  // a new client of the primary's frontend is as unlikely as that frontend's clients turned out to be
  const newRw = st.prior('app-php.log', sess('10.0.2.99', 'mysql_rw'));
  const newRo = st.prior('app-php.log', sess('10.0.1.99', 'mysql_ro'));
  assert.ok(newRw < newRo / 10, `${newRw} vs ${newRo}`);
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
      // the counts are the shares: with no closure counted, the own origin weighs its shares plus its frontend's
      // rate (every share went through mysql_ro, plus the app's pooled rate (all shares + 1) / 2)
      const total = ps.length;
      const m = (total + 1) / 2;
      assert.ok(Math.abs(own - ps.reduce((a, b) => a + b, 0) - (total + m)) < 1e-9);
    }),
  );
});
