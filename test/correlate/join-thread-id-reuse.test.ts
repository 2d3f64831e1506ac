import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';

// Thread ids restart with the server. Lab 13: thread 6 connected, queried and sent Quit (a clean
// close, HAProxy `--`); 38 s and a restart later another thread 6 hit wait_timeout, and its
// "Aborted connection 6" line made the clean close a wait_timeout connection event.
const S = T0 + 20_000;

test('a thread that sent Quit does not take a later Aborted line with the same id', () => {
  const { connections } = new Incident()
    .connect('replica1', S, 6)
    .gen('replica1', S + 1000, 6, 'Query', 'select 1')
    .gen('replica1', S + 2000, 6, 'Quit', '')
    .session({ port: 38928, accept: S + 480, tt: 1841, state: '--' })
    // a DBA's KILL of another thread meanwhile: something on the server may explain a `--`
    .gen('replica1', S + 2000, 9, 'Query', 'KILL 7')
    .aborted('replica1', S + 40_000, 6, 'Got timeout reading communication packets')
    .run();
  assert.deepEqual(
    connections.map((c) => ga(c).cause),
    [],
  );
});

test('nor does a thread with no end seen take one written after the server restarted', () => {
  const { connections } = new Incident()
    .connect('replica1', S, 6)
    .gen('replica1', S + 1000, 6, 'Query', 'select 1')
    .session({ port: 38928, accept: S + 480, tt: 1841, state: '--' })
    // a DBA's KILL of another thread meanwhile: something on the server may explain a `--`
    .gen('replica1', S + 2000, 9, 'Query', 'KILL 7')
    .mysqlError('replica1', S + 20_000, 0, 'Note', '/usr/sbin/mariadbd: ready for connections.')
    .aborted('replica1', S + 40_000, 6, 'Got timeout reading communication packets')
    .run();
  assert.deepEqual(
    connections.map((c) => ga(c).cause),
    [],
  );
});
