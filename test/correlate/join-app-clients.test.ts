import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import { splitAppSpec } from '../../src/config/app-spec.js';
import type { Doc } from '../../parsers/types.js';

// Two app hosts behind one HAProxy: a cron host's session is killed by HAProxy's timeout client at the
// very second the PHP host's half-open KILL victim is logged. Time alone prefers neither; the PHP
// log's addresses (`--app 10.0.1.11=app-php.log`) say which one is PHP's.
function twoHosts(): Incident {
  return new Incident()
    .connect('replica1', T0 + 5, 12)
    .gen('replica1', T0 + 50, 12, 'Query', 'select 1')
    .connect('replica1', T0 + 2000, 14, 'dba')
    .gen('replica1', T0 + 2010, 14, 'Query', 'KILL 12')
    .session({ port: 43000, accept: T0, tt: 5800, state: '--', ip: '10.0.1.11' })
    .session({ port: 43000, accept: T0 - 20_000 + 5600, tt: 20_000, state: 'cD', ip: '10.0.2.7' })
    .php2006(T0 + 5000);
}

test("the app log's client addresses keep other hosts' sessions out of a time-only join", () => {
  const e = twoHosts().run({ phpClients: ['10.0.1.11'] }).appErrors[0]!;
  assert.equal((e.source as Doc).ip, '10.0.1.11');
  assert.equal(ga(e).cause, 'mysql_kill');
  // and with the other host's address only, the PHP host's session is out of reach
  const other = twoHosts().run({ phpClients: ['10.0.2.7'] }).appErrors[0]!;
  assert.equal((other.source as Doc).ip, '10.0.2.7');
});

test('--app CLIENTS=FILE: a left part that is not a list of addresses belongs to the file name', () => {
  assert.deepEqual(splitAppSpec('10.0.1.11,fd00::7=/var/log/app.log'), {
    path: '/var/log/app.log',
    clients: ['10.0.1.11', 'fd00::7'],
  });
  assert.deepEqual(splitAppSpec('logs/a=b.log'), { path: 'logs/a=b.log', clients: undefined });
  assert.deepEqual(splitAppSpec('app.log'), { path: 'app.log', clients: undefined });
});
