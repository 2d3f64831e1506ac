import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

// Most production servers run without the general log: no thread table maps sessions to threads,
// and the error log's Aborted lines must be joined by the app's thread id or by time (aborted.ts).
const S = T0 + 10_000;

test("mysql2's thread id joins the Aborted line directly: the lost connection after a 1153 is max_allowed_packet", () => {
  // lab 05 without its general log: node gets 1153, then PROTOCOL_CONNECTION_LOST on the same
  // handle (thread 7); HAProxy logged the close `--`
  const { appErrors } = new Incident()
    .aborted('replica1', S, 6, "Got a packet bigger than 'max_allowed_packet' bytes")
    .aborted('replica1', S, 7, "Got a packet bigger than 'max_allowed_packet' bytes")
    .session({ port: 55184, accept: S - 130, tt: 135, state: '--' })
    .nodeLost(S + 11, 55184, 7)
    .run();
  assert.equal(appErrors.length, 1);
  assert.equal(ga(appErrors[0]!).cause, 'mysql_max_allowed_packet', String(ga(appErrors[0]!).why));
  assert.match(JSON.stringify(ga(appErrors[0]!).evidence), /Aborted connection 7 /);
});

test('a (KILLED) line in the second a `--` session closed explains it, by time, at lower confidence', () => {
  const { appErrors, connections } = new Incident()
    .aborted('replica2', S, 7, 'KILLED', 10)
    .session({ port: 47828, accept: S - 442, tt: 1036, state: '--', server: 'replica2' })
    .python(S + 596, 'py-2', "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')")
    // a kill victim nobody noticed: a connection event, not an app error
    .aborted('replica2', S + 20_000, 9, 'KILLED', 12)
    .session({ port: 47900, accept: S + 5000, tt: 15_400, state: '--', server: 'replica2' })
    .run();
  assert.equal(appErrors.length, 1);
  assert.equal(ga(appErrors[0]!).cause, 'mysql_kill', String(ga(appErrors[0]!).why));
  assert.ok(Number(ga(appErrors[0]!).confidence) < 0.9, 'a join by time must not look as sure as one by thread');
  assert.match(String(ga(appErrors[0]!).why), /killed by thread 10/);
  assert.equal(connections.length, 1);
  assert.equal(ga(connections[0]!).cause, 'mysql_kill');
});

test('a `--` session that closed seconds away from a (KILLED) line is not its victim', () => {
  // a pooled connection closed cleanly 10 s after another thread was killed on the same server
  const { connections } = new Incident()
    .aborted('replica2', S, 7, 'KILLED', 10)
    .session({ port: 47900, accept: S - 60_000, tt: 70_000, state: '--', server: 'replica2' })
    .run();
  assert.deepEqual(
    connections.map((c) => ga(c).cause),
    [],
  );
});

test('at log_warnings < 4 a KILL leaves no error-log line: the verdict stays unknown instead of a guess', () => {
  const { appErrors } = new Incident()
    .mysqlError('replica1', S - 5000, 0, 'Note', 'mariadbd: ready for connections.')
    .session({ port: 55148, accept: S - 1143, tt: 1141, state: '--' })
    .nodeLost(S - 2, 55148, 6)
    .run();
  assert.equal(appErrors.length, 1);
  assert.equal(ga(appErrors[0]!).cause, 'unknown');
});

test("a `--` close nobody reported, seconds before a crash's DOWN, is not called a crash victim without a thread", () => {
  // lab 13 without its general log: connections the apps closed cleanly in the 15 s before
  // HAProxy marked the crashed server DOWN all came out mysql_crash
  const DOWN =
    'Server mariadb_replicas/replica1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.';
  const { connections } = new Incident()
    .mysqlError('replica1', S - 60_000, 0, 'Note', '/usr/sbin/mariadbd: ready for connections.')
    .session({ port: 46844, accept: S - 30_000, tt: 24_000, state: '--' })
    .haproxyLine(S, DOWN)
    // a victim whose session HAProxy logged after the DOWN (the app's next use) still is one
    .session({ port: 46900, accept: S - 30_000, tt: 32_000, state: '--' })
    .run();
  assert.deepEqual(
    connections.map((c) => [(c.source as Doc).port, ga(c).cause]),
    [[46900, 'mysql_crash']],
  );
});
