/**
 * A thread's own Aborted line is a fact about the thread (it tells when the thread ended, which every later
 * session ↔ thread mapping reads: thread-for.ts `threadFor`), so it is attached as the logs are read, whichever of the
 * two lines comes first: the error log and the general log are merged by time, and MariaDB stamps both with whole
 * seconds, so the Aborted line of a thread that died in the second it connected can be read before its Connect.
 * Before, only a decision found such a line (aborted.ts `abortedOf`), and a time-only join had to keep the
 * facts of every candidate it decided and dropped (docs/correlator.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0 } from './scenario.js';
import { Store } from '../../src/correlate/store.js';
import { ingestError, ingestGeneral } from '../../src/correlate/ingest-mysql.js';
import type { SourcedRecord } from '../../src/correlate/record-time.js';

// MariaDB 10.11's wording (docs/lab-findings.md §4): "Got timeout reading communication packets" is wait_timeout
function threadAfterReading(order: 'error first' | 'general first'): Store {
  const src = new Incident()
    .connect('replica1', T0 + 5_000, 41)
    .aborted('replica1', T0 + 5_000, 41, 'Got timeout reading communication packets')
    .sources();
  const store = new Store();
  const of = (logs: Iterable<Iterable<SourcedRecord>>) =>
    [...logs].map((l) => [...l]).find((l) => l[0]?.server === 'replica1')!;
  const general = of(src.mysqlGeneral);
  const error = of(src.mysqlError);
  const readGeneral = () => general.forEach((x) => ingestGeneral(store, 'replica1', x.rec));
  const readError = () => error.forEach((x) => ingestError(store, 'replica1', x.rec));
  if (order === 'error first') {
    readError();
    readGeneral();
  } else {
    readGeneral();
    readError();
  }
  return store;
}

for (const order of ['general first', 'error first'] as const)
  test(`a thread's own Aborted line is attached to it as the logs are read (${order})`, () => {
    const th = threadAfterReading(order).instance('replica1').threads.get(41)?.[0];
    assert.ok(th, 'the Connect made a thread');
    assert.equal(th.aborted?.reason, 'timeout_reading');
    assert.equal(th.aborted?.t, T0 + 5_000);
  });
