import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

// Lab 04, as it failed one run in two: the apps' threads connect in second 01, the DBA's KILL
// threads connect and Quit in second 02, the KILLed sessions end in 02 (running query) or 04
// (idle PHP/PyMySQL victims, half-open until the next write). MariaDB stamps whole seconds.
const S = T0 + 1000; // "second 01"
function lab04(): Incident {
  return new Incident()
    // replica1: app threads 5 (idle victim) and 7 (running query), probe 8, DBA threads 9 and 10
    .connect('replica1', S, 5).gen('replica1', S, 5, 'Query', 'select id from products where id = 1')
    .connect('replica1', S, 7).gen('replica1', S, 7, 'Query', 'select sleep(6) as report_wait')
    .connect('replica1', S + 1000, 9, 'dba').gen('replica1', S + 1000, 9, 'Query', 'KILL 7').gen('replica1', S + 1000, 9, 'Quit', '')
    .connect('replica1', S + 1000, 10, 'dba').gen('replica1', S + 1000, 10, 'Query', 'KILL 5').gen('replica1', S + 1000, 10, 'Quit', '')
    // the running query's session ends at the KILL (.609), the idle one when PHP writes again
    .session({ port: 36420, accept: S + 586, tt: 1023, state: '--' })
    .session({ port: 47016, accept: S + 413, tt: 2731, state: '--' })
    .python(S + 1609, 'py-2', "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')")
    .php2006(S + 3000);
}

test('a DBA thread that connects and quits while the victim runs is not the victim\'s thread', () => {
  const { appErrors } = lab04().run();
  assert.equal(appErrors.length, 2);
  for (const e of appErrors) {
    assert.equal(ga(e).cause, 'mysql_kill', String(ga(e).why));
    const m = e.mysql as Doc;
    assert.notEqual(m.user, 'dba', `bound to the killer's thread: ${String(ga(e).why)}`);
    assert.ok(m.thread_id === 5 || m.thread_id === 7, `thread ${String(m.thread_id)}`);
  }
});

test('a millisecond-stamped error claims its session before a whole-second one that fits several', () => {
  const { appErrors } = lab04().run();
  const port = (file: string) => (appErrors.find((e) => String((e.log as Doc & { file: { path: string } }).file.path).endsWith(file))!.source as Doc).port;
  assert.equal(port('app-python.log'), 36420);
  assert.equal(port('app-php.log'), 47016);
});

test('a Quit two seconds before the session ended cannot be that session\'s thread', () => {
  const { appErrors } = new Incident()
    .connect('replica1', S, 9, 'dba').gen('replica1', S, 9, 'Quit', '')
    .connect('replica1', S, 5).gen('replica1', S, 5, 'Query', 'select 1')
    .gen('replica1', S + 2000, 11, 'Query', 'KILL 5')
    .session({ port: 47016, accept: S + 400, tt: 2600, state: '--' })
    .php2006(S + 3000)
    .run();
  assert.equal((appErrors[0]!.mysql as Doc).thread_id, 5);
  assert.equal(ga(appErrors[0]!).cause, 'mysql_kill');
});

test('HAProxy logging the close 2 ms after the app\'s millisecond error is the same event, not a later one (lab 02)', () => {
  // py-1's query is cut by timeout server: PyMySQL stamps 2013 at .353, HAProxy's sD ends at .355.
  // php-2's session (sD at 24.855) belongs to the whole-second PHP error of second 24.
  const B = T0 + 24_000;
  const { appErrors } = new Incident()
    .session({ port: 38936, accept: B - 3167 + 855, tt: 3167, state: 'sD' })
    .session({ port: 38960, accept: B + 2355 - 4580, tt: 4580, state: 'sD' })
    .python(B + 2353, 'py-1', "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')")
    .php2006(B)
    .run({ skew: 1000 });
  const port = (file: string) => (appErrors.find((e) => String((e.log as Doc & { file: { path: string } }).file.path).endsWith(file))!.source as Doc | undefined)?.port;
  assert.equal(port('app-python.log'), 38960);
  assert.equal(port('app-php.log'), 38936);
});
