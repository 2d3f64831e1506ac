/**
 * An agent restart in process, for the tests of what is saved beside the positions (the learning journal): records
 * fed to a Correlator with the agent's journal over its learning, as the agent feeds them; then the checkpoints as a
 * restart finds them (an app log at one error, the HAProxy log held back to its start) and a second Correlator,
 * restored from what would be saved (through JSON, as checkpoints.json keeps it), fed from those positions.
 */
import { Correlator } from '../../src/correlate/correlator.js';
import type { TimedRecord } from '../../src/correlate/correlate-batch.js';
import { newStats } from '../../src/correlate/engine.js';
import { asEvent, type VerdictEvent } from '../../src/correlate/event.js';
import type { Checkpoint } from '../../src/agent/checkpoints.js';
import type { FileIdentity } from '../../src/agent/inputs/identity.js';
import { LearningJournal } from '../../src/agent/learning-journal.js';

const APP: FileIdentity = { dev: '1', ino: '2', fingerprint: 'app', fingerprintBytes: 3 };
const HAP: FileIdentity = { dev: '1', ino: '3', fingerprint: 'hap', fingerprintBytes: 3 };

export const isApp = (r: TimedRecord): boolean => r.kind === 'app';

/** a Correlator fed `recs` in order, with the agent's journal over its learning (restored from `saved`); its events */
export function journalRun(recs: TimedRecord[], saved: unknown): { journal: LearningJournal; events: VerdictEvent[] } {
  const c = new Correlator({ skew: 2000, maxLag: 900_000, settle: 5000, appLogs: true }, newStats());
  const journal = new LearningJournal(c.learning, saved as never);
  const events: VerdictEvent[] = [];
  for (const r of recs) {
    if (isApp(r)) journal.pushed(r.rec.doc, APP);
    c.push(r);
    events.push(...c.advanceEmitted(r.time).map(asEvent));
  }
  events.push(...c.finish());
  return { journal, events };
}

/** the run restarted with the app log's position at the error `at` and the HAProxy log's at its start: `first`'s
 *  journal folded for those positions and saved, the records of `all` from them fed again */
export function restartedAt(all: TimedRecord[], first: LearningJournal, at: TimedRecord) {
  const cp = (id: FileIdentity, offset: number) => ({ ...id, path: id.fingerprint, offset }) as Checkpoint;
  first.fold((id) => (id === APP ? cp(APP, at.rec.offset) : cp(HAP, 0)));
  const saved: unknown = JSON.parse(JSON.stringify(first.value() ?? null));
  return journalRun(
    all.filter((r) => !isApp(r) || r.rec.offset >= at.rec.offset),
    saved ?? undefined,
  );
}
