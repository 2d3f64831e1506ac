/**
 * A restart between two errors that compete for the same closures by time alone: the second one weighs each
 * closure by what the first left free of it (src/correlate/joint.ts `TakenMass`). After the restart the first
 * error is not read again (its file's position is past it) while the HAProxy lines of the closures it took are
 * (the window holds the HAProxy file back), so what it took must come from the saved learning
 * (src/agent/learning-journal.ts) or the second error weighs them as free: another confidence than an
 * uninterrupted run gives.
 *
 * In process, with the Correlator and the journal the agent uses: the first run decides both errors; the
 * checkpoints are then taken as a restart would find them (the app log at the second error, the HAProxy log at
 * its start), and a second Correlator, restored from what would be saved, reads from those positions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSources, type TimedRecord } from '../../src/correlate/correlate-batch.js';
import { newStats } from '../../src/correlate/engine.js';
import type { VerdictEvent } from '../../src/correlate/event.js';
import { Incident, T0 } from '../correlate/scenario.js';
import { isApp, journalRun, restartedAt } from './journal-run.js';

const TA = T0 + 600_000;
const TB = TA + 4000;

/** closures of the app's host, of two kinds, near two PHP 2006 errors 4 s apart, none of them joinable but by time */
function incident(): Incident {
  const inc = new Incident();
  const closures = [
    [TA - 1500, 'sD'],
    [TA - 2500, 'cD'],
    [TA - 9000, 'cD'],
  ] as const;
  for (const [i, [end, state]] of closures.entries())
    inc.session({ port: 41000 + i, accept: end - 28_000, tt: 28_000, state });
  // a quiet session after both moves the window on
  inc.session({ port: 42000, accept: TB + 60_000, tt: 5, state: '--', ip: '10.0.3.3' });
  return inc.php2006(TA).php2006(TB);
}

const records = (): TimedRecord[] => [...mergeSources(incident().sources(), newStats())] as TimedRecord[];

/** a Correlator fed `recs` in order, with the agent's journal over its learning (journal-run.ts); its app-error
 *  verdicts */
function run(recs: TimedRecord[], saved: unknown) {
  const { journal, events } = journalRun(recs, saved);
  return { journal, verdicts: events.filter((v) => v.goneaway.kind === 'app_error') };
}

const verdictOf = (vs: VerdictEvent[], offset: number) => {
  const v = vs.find((x) => x.log.offset === offset)!;
  return { offset, cause: v.goneaway.cause, confidence: v.goneaway.confidence, why: v.goneaway.why };
};

test('restarted between two errors competing by time, the second keeps the confidence of an uninterrupted run', () => {
  const all = records();
  const [a, b] = all.filter(isApp);
  const first = run(all, undefined);
  const want = verdictOf(first.verdicts, b!.rec.offset);
  // the test can fail: without what the first error took, the second error's confidence is another one
  const alone = run(
    all.filter((r) => r !== a),
    undefined,
  );
  assert.notDeepEqual(verdictOf(alone.verdicts, b!.rec.offset), want, 'the errors must compete');

  // the positions a restart finds: the app log at the second error, the HAProxy log held back to its start
  const again = restartedAt(all, first.journal, b!).events.filter((v) => v.goneaway.kind === 'app_error');
  assert.deepEqual(verdictOf(again, b!.rec.offset), want);
});
