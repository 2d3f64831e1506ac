import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import { evidenceText, terminationOf, type EvidenceDoc, type VerdictEvent } from '../../src/correlate/event.js';
import { decodeTermination } from '../../parsers/haproxy/termination.js';

test('an abnormal closure nobody noticed is a connection event, never an app error', () => {
  const inc = new Incident()
    .session({ port: 50001, accept: T0, tt: 3000, state: 'cD' })
    .session({ port: 50002, accept: T0, tt: 1000, state: '--' })
    .session({ port: 50003, accept: T0, tt: 800, state: 'CD' });
  const { appErrors, connections } = inc.run();
  assert.equal(appErrors.length, 0);
  const causes = connections.map((c) => ga(c).cause).sort();
  assert.deepEqual(causes, ['app_closed', 'haproxy_timeout_client']);
});

test('time-only candidates with different stories lower the confidence and are counted', () => {
  const inc = new Incident()
    .session({ port: 51001, accept: T0, tt: 3000, state: 'cD', server: 'replica1' })
    .session({ port: 51002, accept: T0, tt: 3000, state: 'SD', server: 'replica2' })
    .php2006(T0 + 6000);
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 1);
  const g = ga(appErrors[0]!);
  assert.equal((g.join as { candidates: number }).candidates, 2);
  assert.ok((g.confidence as number) <= 0.5, `confidence ${g.confidence} should be lowered`);
});

test('one dead connection explains at most one app error', () => {
  const inc = new Incident()
    .session({ port: 52001, accept: T0, tt: 3000, state: 'cD' })
    .php2006(T0 + 5000)
    .php2006(T0 + 7000);
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 2);
  const joined = appErrors.filter((e) => e.source !== undefined);
  assert.equal(joined.length, 1);
});

test('a SIGKILLed app closes with a FIN: `--` in HAProxy, "error reading" and no Quit in MySQL is app_closed', () => {
  const inc = new Incident()
    .connect('replica1', T0 + 5, 21)
    .gen('replica1', T0 + 100, 21, 'Query', 'select 1')
    .session({ port: 53001, accept: T0, tt: 1200, state: '--' })
    .aborted('replica1', T0 + 1200, 21, 'Got an error reading communication packets')
    .connect('replica1', T0 + 2005, 22)
    .gen('replica1', T0 + 2100, 22, 'Query', 'select 1')
    .gen('replica1', T0 + 2900, 22, 'Quit', '')
    .session({ port: 53002, accept: T0 + 2000, tt: 900, state: '--' });
  const { appErrors, connections } = inc.run();
  assert.equal(appErrors.length, 0);
  assert.deepEqual(
    connections.map((c) => [(c.source as { port: number }).port, ga(c).cause]),
    [[53001, 'app_closed']],
  );
});

test('a KILL victim that never produced an app error is a silent mysql_kill closure', () => {
  const inc = new Incident()
    .connect('replica2', T0 + 5, 31)
    .gen('replica2', T0 + 100, 31, 'Query', 'select 1')
    .connect('replica2', T0 + 2000, 40, 'dba')
    .gen('replica2', T0 + 2010, 40, 'Query', 'KILL 31')
    .session({ port: 54001, accept: T0, tt: 2050, state: '--', server: 'replica2' });
  const { connections } = inc.run();
  assert.deepEqual(
    connections.map((c) => ga(c).cause),
    ['mysql_kill'],
  );
});

test('a connection event carries its HAProxy line once: its own evidence entry points at event.original', () => {
  const inc = new Incident()
    .connect('replica1', T0 + 5, 41)
    .gen('replica1', T0 + 100, 41, 'Query', 'select 1')
    .session({ port: 54001, accept: T0, tt: 3000, state: 'cD' });
  const { connections } = inc.run();
  assert.equal(connections.length, 1);
  const c = connections[0]!;
  const original = (c.event as { original: string }).original;
  const log = c.log as { file: { path: string }; offset: number };
  const evidence = ga(c).evidence as EvidenceDoc[];
  const own = evidence.filter((e) => e.file === log.file.path && e.offset === log.offset);
  assert.equal(own.length, 1);
  assert.equal(own[0]!.text, undefined);
  assert.equal(JSON.stringify(c).split(original).length - 1, 1, 'the line appears once in the document');
  assert.equal(evidenceText(c as unknown as VerdictEvent, own[0]!), original);
  // the decoded state is left to the reader, who gets the same object from the state alone
  const h = c.haproxy as VerdictEvent['haproxy'];
  assert.equal(h?.termination, undefined);
  assert.equal(terminationOf(c as unknown as VerdictEvent)?.initiator, decodeTermination('cD').initiator);
});
