import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';

// Lab 05 as it failed once in CI: PHP sends a query bigger than max_allowed_packet; MariaDB closes
// (HAProxy `SD`), PDO says 2006 (it did not read the server's 1153), the app catches it and runs its
// next query on the same dead handle: a second 2006 in the same whole second. Laravel lines name no
// worker, and the one session that fits is already claimed by the first error. That run's real logs
// are kept in test/fixtures/lab-runs/05_pdo_2006_twice (scored in test/lab/lab-correlate.test.ts);
// here: the fallback that joins such a repeat never beats a closure that fits.
const S = T0 + 6000;
function lab05(): Incident {
  return new Incident()
    .connect('replica2', S, 6)
    .gen('replica2', S, 6, 'Query', 'select id from products where id = 1')
    .mysqlError('replica2', S, 6, 'ERROR', "mariadbd: Got a packet bigger than 'max_allowed_packet' bytes")
    .aborted('replica2', S, 6, "Got a packet bigger than 'max_allowed_packet' bytes")
    .session({ port: 46282, accept: S + 152, tt: 175, state: 'SD', server: 'replica2' })
    .php2006(S + 331, 'select length(?) as n')
    .php2006(S + 832, 'select id from products where id = 10');
}

test('a closure that fits the second error still wins over the repeat', () => {
  // a second session of the same client, closed by wait_timeout at the second error
  const { appErrors } = lab05()
    .connect('replica1', S - 9000, 12)
    .aborted('replica1', S + 800, 12, 'Got timeout reading communication packets')
    .session({ port: 46290, accept: S - 9000, tt: 9800, state: 'SD', server: 'replica1' })
    .run();
  const causes = appErrors.map((e) => ga(e).cause).sort();
  assert.deepEqual(causes, ['mysql_max_allowed_packet', 'mysql_wait_timeout']);
  assert.ok(!appErrors.some((e) => JSON.stringify(ga(e)).includes('same dead connection again')));
});
