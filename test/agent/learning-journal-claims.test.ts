/**
 * The claims app errors made on closures, saved with the checkpoints (src/agent/learning-journal.ts,
 * src/correlate/saved-claims.ts): those of the errors before the first one a restart reads again, the later claim of
 * a closure replacing the earlier, of the closures the rebuilt window can read again; put back on each closure as it
 * is read again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppOrigins } from '../../src/correlate/app-origin.js';
import { AppLags } from '../../src/correlate/app-lag.js';
import { numKey, TakenMass } from '../../src/correlate/joint.js';
import { Learning } from '../../src/correlate/learned.js';
import type { AppError, Session } from '../../src/correlate/model.js';
import { RestoredClaims } from '../../src/correlate/saved-claims.js';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import type { FileIdentity } from '../../src/agent/inputs/identity.js';
import { LearningJournal } from '../../src/agent/learning-journal.js';
import { tmp } from './helpers.js';

const ID: FileIdentity = { dev: '1', ino: '8', fingerprint: 'f', fingerprintBytes: 1 };
const FILE = '/var/log/app.log';
const T = 1_800_000_000_000;

/** a closure of the app's host, ended at `end` */
const closure = (port: number, end: number): Session =>
  ({
    accept: end - 28_000,
    end,
    clientPort: port,
    clientIp: '10.0.1.11',
    server: 'replica1',
    claimed: false,
  }) as Session;

async function open(dir: string) {
  const store = await CheckpointStore.open(dir);
  const restored = new RestoredClaims();
  const learning = new Learning(new AppOrigins(), new AppLags(), new TakenMass(), restored);
  const journal = new LearningJournal(learning, store.loaded.learning as never);
  store.attach('learning', journal);
  return { store, learning, journal, restored };
}

/** the error at `offset` of FILE decided: it leaves `s` as `change` makes it */
function decide(a: Awaited<ReturnType<typeof open>>, offset: number, s: Session, change: (s: Session) => void): void {
  const e = { file: FILE, offset, t: s.end + 1000, doc: { n: offset } } as unknown as AppError;
  a.journal.pushed(e.doc, ID);
  a.learning.deciding = e;
  change(s);
  a.learning.claimed(s);
}

/** what entering the window puts back on a fresh copy of `s` */
function reread(r: RestoredClaims, s: Session): Pick<Session, 'claimed' | 'reusableBy' | 'timeJoined'> {
  const fresh = { ...s, claimed: false, reusableBy: undefined, timeJoined: undefined };
  r.enter(fresh, () => fresh);
  return { claimed: fresh.claimed, reusableBy: fresh.reusableBy, timeJoined: fresh.timeJoined };
}

test('claims of errors not read again are saved, and put back as their closures are read again', async () => {
  const dir = tmp('claims');
  const a = await open(dir);
  a.store.track(ID, FILE, 0);
  for (const o of [0, 100, 200]) a.store.emitted(ID, o, o + 100);
  const [x, y, z] = [closure(41000, T), closure(41001, T + 500), closure(41002, T + 900)];
  decide(a, 0, x, (s) => ((s.claimed = true), (s.reusableBy = FILE)));
  // the second error takes x again (the server told the app why: `reusableBy`) and leaves it to no one after
  decide(a, 100, x, (s) => (s.reusableBy = undefined));
  decide(a, 100, y, (s) => ((s.claimed = true), (s.timeJoined = true)));
  // the error at 200 is read again after a restart: it claims again as it is decided again
  decide(a, 200, z, (s) => (s.claimed = true));
  a.store.hold(ID, 200);
  for (const o of [0, 100, 200]) a.store.ack(ID, o);
  await a.store.flush();

  const b = await open(dir);
  assert.deepEqual(reread(b.restored, x), { claimed: true, reusableBy: undefined, timeJoined: undefined });
  assert.deepEqual(reread(b.restored, y), { claimed: true, reusableBy: undefined, timeJoined: true });
  assert.deepEqual(reread(b.restored, z), { claimed: false, reusableBy: undefined, timeJoined: undefined });
});

test('claims on closures that ended long before the newest error not read again are let go', async () => {
  const dir = tmp('claims-left');
  const a = await open(dir);
  a.store.track(ID, FILE, 0);
  a.store.emitted(ID, 0, 100);
  a.store.emitted(ID, 100, 200);
  // two minutes apart: the HAProxy log's saved position is past the first one's closure
  const [x, y] = [closure(41000, T), closure(41001, T + 120_000)];
  decide(a, 0, x, (s) => (s.claimed = true));
  decide(a, 100, y, (s) => (s.claimed = true));
  for (const o of [0, 100]) a.store.ack(ID, o);
  await a.store.flush();

  const b = await open(dir);
  assert.equal(b.restored.size, 1);
  assert.equal(reread(b.restored, y).claimed, true);
});

test('a checkpoint file without claims (an older version) loads with none', () => {
  const restored = new RestoredClaims();
  const learning = new Learning(new AppOrigins(), new AppLags(), new TakenMass(), restored);
  restored.load([[1, '10.0.1.11', 'replica1', T, 1, null, 0]]);
  new LearningJournal(learning, { origins: {}, lags: {} });
  assert.equal(restored.size, 0);
});

test('restored claims whose closures were not read again are let go once the HAProxy log is well past them', () => {
  const restored = new RestoredClaims();
  const [x, y] = [closure(41000, T), closure(41001, T + 1000)];
  restored.load([
    [numKey(x), x.clientIp, x.server, x.end, 1, null, 0],
    [numKey(y), y.clientIp, y.server, y.end, 1, null, 1],
  ]);
  // x is read again and takes its claim back; y's line is not read again (before the saved position)
  assert.equal(reread(restored, x).claimed, true);
  assert.equal(restored.size, 1);
  // a closure within the reading's own disorder of the newest restored one leaves what is left waiting
  reread(restored, closure(42000, T + 5000));
  assert.equal(restored.size, 1);
  // one further on: no restored closure can come any more (the reading's disorder is behind), so none is kept
  assert.equal(reread(restored, closure(42001, T + 60_000)).claimed, false);
  assert.equal(restored.size, 0);
});
