/**
 * A restart between two errors that compete for the same closures by time alone: the first one takes a closure
 * (claims.ts `takeSession`), and the second, uninterrupted, must leave it to it (a closure another error took by
 * time is a rival of the second's, never its choice: time-join.ts). After the restart the first error is not read
 * again (its file's position is past it) while the HAProxy line of the closure it took is (the window holds that
 * file back), so its claim must come from the saved state (src/correlate/saved-claims.ts, the agent's learning
 * journal) or the second error takes that closure as a free one: another session than an uninterrupted run's.
 *
 * In process, with the Correlator and the journal the agent uses, as test/agent/restart-taken-mass.test.ts: the
 * first run decides both errors; the checkpoints are then taken as a restart would find them (the app log at the
 * second error, the HAProxy log at its start), and a second Correlator, restored from what would be saved (through
 * JSON, as checkpoints.json keeps it), reads from those positions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSources, type TimedRecord } from '../../src/correlate/correlate-batch.js';
import { newStats } from '../../src/correlate/engine.js';
import type { VerdictEvent } from '../../src/correlate/event.js';
import { Incident, T0 } from '../correlate/scenario.js';
import { isApp, journalRun as run, restartedAt as restarted } from './journal-run.js';

const TA = T0 + 600_000;
const TB = TA + 2000;

/** four closures of one kind on the app's host shortly before two PHP 2006 errors 2 s apart, joinable by time alone:
 *  each error's mass is spread over them, and the first one's leaves much of its closure free for the second */
function incident(): Incident {
  const inc = new Incident();
  for (const [i, end] of [TA - 1500, TA - 2500, TA - 3500, TA - 4500].entries())
    inc.session({ port: 41000 + i, accept: end - 28_000, tt: 28_000, state: 'sD' });
  // a quiet session after both moves the window on
  inc.session({ port: 42000, accept: TB + 60_000, tt: 5, state: '--', ip: '10.0.3.3' });
  return inc.php2006(TA).php2006(TB);
}

const records = (): TimedRecord[] => [...mergeSources(incident().sources(), newStats())] as TimedRecord[];

/** the verdict of the app error at `offset`: its cause, confidence and closure */
const verdictOf = (vs: VerdictEvent[], offset: number) => {
  const v = vs.find((x) => x.goneaway.kind === 'app_error' && x.log.offset === offset)!;
  const { cause, confidence } = v.goneaway;
  return { cause, confidence, port: v.source?.port, end: v.haproxy?.session_end };
};

/** the closures reported as connections of their own (none of them an error's) */
const connections = (vs: VerdictEvent[]) =>
  vs.filter((x) => x.goneaway.kind === 'connection').map((x) => `${x.source?.port} ${x.haproxy?.session_end}`);

test('restarted between two errors competing by time, the second leaves the closure the first took', () => {
  const all = records();
  const [a, b] = all.filter(isApp);
  const first = run(all, undefined);
  const took = verdictOf(first.events, a!.rec.offset);
  const want = verdictOf(first.events, b!.rec.offset);
  // the test can fail: the second error alone takes the closure the first took
  const alone = run(
    all.filter((r) => r !== a),
    undefined,
  );
  const free = verdictOf(alone.events, b!.rec.offset);
  assert.deepEqual([free.port, free.end], [took.port, took.end], 'alone, the second error takes the first one’s');
  assert.notDeepEqual([want.port, want.end], [took.port, took.end], 'uninterrupted, it leaves it');

  const again = restarted(all, first.journal, b!);
  assert.deepEqual(verdictOf(again.events, b!.rec.offset), want);
});

test('restarted after an error took a closure, that closure is not reported as a connection of its own', () => {
  const all = records();
  const [a, b] = all.filter(isApp);
  const first = run(all, undefined);
  const took = verdictOf(first.events, a!.rec.offset);
  assert.ok(!connections(first.events).includes(`${took.port} ${took.end}`), 'uninterrupted, it is the error’s');
  const again = restarted(all, first.journal, b!);
  assert.deepEqual(connections(again.events), connections(first.events));
});
