/**
 * What the Correlator learned (origins, lags: src/correlate/learned.ts) saved with the checkpoints
 * (src/agent/learning-journal.ts): the state saved is the one before the first error a restart reads again —
 * that error is learned again when it is decided again, never twice — and it goes into one atomic write with
 * the positions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppOrigins } from '../../src/correlate/app-origin.js';
import { AppLags } from '../../src/correlate/app-lag.js';
import { TakenMass } from '../../src/correlate/joint.js';
import { Learning } from '../../src/correlate/learned.js';
import type { AppError, Session } from '../../src/correlate/model.js';
import { CHECKPOINT_FILE, CheckpointStore } from '../../src/agent/checkpoints.js';
import type { FileIdentity } from '../../src/agent/inputs/identity.js';
import { LearningJournal } from '../../src/agent/learning-journal.js';
import { tmp } from './helpers.js';

const ID: FileIdentity = { dev: '1', ino: '7', fingerprint: 'f', fingerprintBytes: 1 };
const FILE = '/var/log/app.log';
const host = { clientIp: '10.0.1.11', frontend: 'mysql_ro', end: 1000 } as Session;
const other = { clientIp: '10.0.2.7', frontend: 'mysql_ro', end: 1000 } as Session;
const MAX_LAG = 900_000;

interface Learner {
  origins: AppOrigins;
  lags: AppLags;
  learning: Learning;
  taken: TakenMass;
  journal: LearningJournal;
  store: CheckpointStore;
}

/** the Correlator deciding the error at `offset` of FILE, joined to `s` after `lag` ms */
function decide(a: Learner, offset: number, s: Session, share = 1, lag = 2000): void {
  const e = { file: FILE, offset, doc: { n: offset } } as unknown as AppError;
  a.journal.pushed(e.doc, ID);
  a.learning.deciding = e;
  a.origins.learn(FILE, [[s, share]]);
  a.lags.learn(FILE, lag, share);
}

async function open(dir: string): Promise<Learner> {
  const store = await CheckpointStore.open(dir);
  const origins = new AppOrigins();
  const lags = new AppLags();
  const taken = new TakenMass();
  const learning = new Learning(origins, lags, taken);
  const journal = new LearningJournal(learning, store.loaded.learning as never);
  store.attach('learning', journal);
  return { store, origins, lags, learning, taken, journal };
}

/** what an error of FILE would weigh: the two origins' priors and the lag model near 2 s and 60 s */
const weights = (a: Learner) => [
  a.origins.prior(FILE, host),
  a.origins.prior(FILE, other),
  a.lags.mass(FILE, 1500, 2500, MAX_LAG),
  a.lags.mass(FILE, 50_000, 70_000, MAX_LAG),
];

test('saved with the checkpoints: the state before the first error a restart reads again', async () => {
  const dir = tmp('learning');
  const a = await open(dir);
  a.store.track(ID, FILE, 0);
  for (const [o, end] of [
    [0, 100],
    [100, 200],
    [200, 300],
  ] as const)
    a.store.emitted(ID, o, end);
  decide(a, 0, host);
  decide(a, 100, host, 1, 60_000);
  const beforeThird = weights(a);
  decide(a, 200, other, 0.75);
  const running = weights(a);
  // the window still needs the record at 200: after a restart it is read, and its error decided, again
  // (holds before acknowledgements, as the agent sets them: a position never moves back)
  a.store.hold(ID, 200);
  for (const o of [0, 100, 200]) a.store.ack(ID, o);
  await a.store.flush();
  assert.equal(a.journal.waiting, 1, 'the error at 200 waits for the position to pass it');
  assert.notDeepEqual(running, beforeThird, 'the third error taught something');

  const b = await open(dir);
  assert.equal(b.store.get(ID)!.offset, 200);
  assert.deepEqual(weights(b), beforeThird, 'the two errors before the position are kept, the third is not yet');
  decide(b, 200, other, 0.75);
  assert.deepEqual(weights(b), running, 'learned once after the restart, as without it');
  // one write holds both: the positions and the state they agree with
  const saved = JSON.parse(readFileSync(path.join(dir, CHECKPOINT_FILE), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(saved).sort(), ['attached', 'files', 'version']);
});

test('once every error is past its position, the newest state is saved', async () => {
  const dir = tmp('learning-all');
  const a = await open(dir);
  a.store.track(ID, FILE, 0);
  a.store.emitted(ID, 0, 100);
  a.store.emitted(ID, 100, 200);
  decide(a, 0, host);
  decide(a, 100, other, 0.5, 30_000);
  a.store.hold(ID, 200);
  for (const o of [0, 100]) a.store.ack(ID, o);
  await a.store.flush();
  assert.equal(a.journal.waiting, 0);
  assert.deepEqual(weights(await open(dir)), weights(a));
});

test('a file rewritten since (copytruncate): its errors are never read again, their evidence is saved', async () => {
  const dir = tmp('learning-gone');
  const a = await open(dir);
  a.store.track(ID, FILE, 0);
  a.store.emitted(ID, 0, 100);
  decide(a, 0, host);
  a.store.hold(ID, 0);
  await a.store.flush();
  assert.equal(a.journal.waiting, 1);
  // copytruncate: the same inode starts again with other content
  a.store.track({ ...ID, fingerprint: 'g' }, FILE, 0);
  await a.store.flush();
  assert.equal(a.journal.waiting, 0);
  assert.deepEqual(weights(await open(dir)), weights(a));
});

/** closures of the app's host ending at `end` (s), one client port each */
const closure = (port: number, end: number) =>
  ({ clientIp: '10.0.1.11', clientPort: port, accept: end * 1000 - 5000, end: end * 1000, server: 'r1' }) as Session;
const c = [closure(40000, 1), closure(40001, 20), closure(40002, 21), closure(40003, 22)] as const;
const masses = (a: Learner) => c.map((s) => a.taken.of(s));

/** the error at `offset` taking `raises` of the closures by time alone (time-join.ts: origins learned first) */
function take(a: Learner, offset: number, raises: Array<[Session, number]>): void {
  decide(a, offset, host);
  for (const [s, p] of raises) a.taken.add(s, p);
}

test('the taken mass saved is the one before the first error a restart reads again, trimmed as the live one', async () => {
  const dir = tmp('learning-taken');
  const a = await open(dir);
  a.store.track(ID, FILE, 0);
  for (const o of [0, 100, 200]) a.store.emitted(ID, o, o + 100);
  take(a, 0, [
    [c[0], 0.5],
    [c[1], 0.5],
    [c[2], 0.3],
  ]);
  take(a, 100, [
    [c[1], 0.25],
    [c[2], 0.7],
    [c[3], 0.2],
  ]);
  // the live mass lets the first closure go before the third error (its join's trim, time-join.ts)
  a.taken.trim(10_000);
  const beforeThird = masses(a);
  take(a, 200, [
    [c[3], 0.9],
    [c[1], 0.75],
  ]);
  const running = masses(a);
  a.store.hold(ID, 200);
  for (const o of [0, 100, 200]) a.store.ack(ID, o);
  await a.store.flush();
  assert.notDeepEqual(running, beforeThird, 'the third error took something');
  assert.deepEqual(beforeThird, [0, 0.5, 0.7, 0.2], 'the largest share of each is kept');

  const b = await open(dir);
  assert.deepEqual(masses(b), beforeThird, 'what the two errors before the position took, not the third');
  assert.equal(b.taken.size, 3, 'nothing the live mass had let go');
  take(b, 200, [
    [c[3], 0.9],
    [c[1], 0.75],
  ]);
  assert.deepEqual(masses(b), running, 'taken once after the restart, as without it');
});

test('a checkpoint file without the taken mass (an older version) loads with none taken', () => {
  const origins = new AppOrigins();
  const taken = new TakenMass();
  taken.add(c[1], 0.5);
  const learning = new Learning(origins, new AppLags(), taken);
  new LearningJournal(learning, { origins: origins.serialise(), lags: {} });
  assert.deepEqual(
    c.map((s) => taken.of(s)),
    [0, 0, 0, 0],
  );
});
