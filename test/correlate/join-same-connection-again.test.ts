import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

// LAB (05): PDO reports 1153 for the oversized query, then 2006 when it uses the same dead handle
// again; both belong to the one session the server closed. A second, unrelated session closed
// the same way must stay for the other app.
test('an error in which the server said why it closed is followed by a first-use error on the same session', () => {
  const inc = new Incident()
    .session({ port: 49340, accept: T0, tt: 102, state: 'SD', server: 'replica2' })
    .aborted('replica2', T0 + 102, 6, "Got a packet bigger than 'max_allowed_packet' bytes")
    .session({ port: 49358, accept: T0 + 21, tt: 83, state: 'SD', server: 'replica2' })
    .aborted('replica2', T0 + 104, 7, "Got a packet bigger than 'max_allowed_packet' bytes")
    .php1153(T0 + 103)
    .php2006(T0 + 603)
    .python(T0 + 105, 'py-1', "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')");
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 3);
  for (const e of appErrors) assert.equal(ga(e).cause, 'mysql_max_allowed_packet', String(ga(e).why));
  const port = (file: string) =>
    appErrors
      .filter((e) => String((e.log as Doc & { file: { path: string } }).file.path).endsWith(file))
      .map((e) => (e.source as Doc | undefined)?.port);
  // Laravel's whole-second stamps cannot tell the two sessions apart; what must hold is that both
  // PHP errors are the one PHP connection, and the Python error keeps the other.
  const php = port('app-php.log');
  assert.equal(php.length, 2);
  assert.equal(php[0], php[1]);
  assert.ok(php[0] === 49340 || php[0] === 49358);
  assert.deepEqual(port('app-python.log'), [php[0] === 49340 ? 49358 : 49340]);
});

test('PyMySQL "InterfaceError: (0, \'\')" is the same worker using its dead connection again', () => {
  const inc = new Incident()
    .session({ port: 40001, accept: T0, tt: 3000, state: 'cD' })
    .python(T0 + 5000, 'py-2', "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')")
    .python(T0 + 5500, 'py-2', "pymysql.err.InterfaceError: (0, '')");
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 2);
  const again = appErrors.find((e) => (e.error as Doc).code === '0')!;
  assert.equal((ga(again).join as Doc).method, 'same_connection_repeat');
  assert.equal(ga(again).cause, 'haproxy_timeout_client');
});

test('a repeat that falls below 0.5 names the competing explanation: what the join found without it', () => {
  // an `SD` close no MySQL line explains (wait_timeout by default, 0.55), then PDO's second 2006 on the dead
  // handle in the same second, with no other closure near: the repeat (× 0.8) is ambiguous
  const { appErrors } = new Incident()
    .session({ port: 40001, accept: T0, tt: 3000, state: 'SD' })
    .php2006(T0 + 4000)
    .php2006(T0 + 4000, 'select 2')
    .run();
  assert.equal(appErrors.length, 2);
  const [first, again] = appErrors as [Doc, Doc];
  assert.ok(Number(ga(first).confidence) >= 0.5, `first ${String(ga(first).confidence)}`);
  assert.equal((ga(again).join as Doc).method, 'same_connection_repeat');
  assert.ok(Number(ga(again).confidence) < 0.5, `repeat ${String(ga(again).confidence)}`);
  assert.match(String(ga(again).why), /the competing explanation: unknown: no HAProxy session and no MySQL line/);
  // the first verdict, not ambiguous, names none of its own
  assert.doesNotMatch(String(ga(first).why), /competing/);
});
