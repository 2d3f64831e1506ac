/**
 * The learned app origins saved with the checkpoints (src/agent/origin-journal.ts): what is saved is the
 * counts at the saved positions — an error the restart will read again is not in them (it is learned again
 * when it is decided again), an error before the position is, and both go into one atomic write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppOrigins } from '../../src/correlate/app-origin.js';
import type { AppError, Session } from '../../src/correlate/model.js';
import { CHECKPOINT_FILE, CheckpointStore } from '../../src/agent/checkpoints.js';
import type { FileIdentity } from '../../src/agent/inputs/identity.js';
import { OriginJournal } from '../../src/agent/origin-journal.js';
import { tmp } from './helpers.js';

const ID: FileIdentity = { dev: '1', ino: '7', fingerprint: 'f', fingerprintBytes: 1 };
const FILE = '/var/log/app.log';
const host = { clientIp: '10.0.1.11', frontend: 'mysql_ro' } as Session;
const other = { clientIp: '10.0.2.7', frontend: 'mysql_ro' } as Session;

/** the Correlator deciding the error at `offset` of FILE, joined to `s` */
function decide(o: AppOrigins, j: OriginJournal, offset: number, s: Session, share = 1): void {
  const e = { file: FILE, offset, doc: { n: offset } } as unknown as AppError;
  j.pushed(e.doc, ID);
  o.deciding = e;
  o.learn(FILE, [[s, share]]);
}

async function open(dir: string) {
  const store = await CheckpointStore.open(dir);
  const origins = new AppOrigins();
  const journal = new OriginJournal(origins, store.loaded.app_origins as never);
  store.attach('app_origins', journal);
  return { store, origins, journal };
}

test('saved with the checkpoints: the errors before the saved position, not those a restart reads again', async () => {
  const dir = tmp('origins');
  const a = await open(dir);
  a.store.track(ID, FILE, 0);
  for (const [o, end] of [
    [0, 100],
    [100, 200],
    [200, 300],
  ] as const)
    a.store.emitted(ID, o, end);
  decide(a.origins, a.journal, 0, host);
  decide(a.origins, a.journal, 100, host);
  decide(a.origins, a.journal, 200, other, 0.75);
  // the window still needs the record at 200: after a restart it is read, and its error decided, again
  // (holds before acknowledgements, as the agent sets them: a position never moves back)
  a.store.hold(ID, 200);
  for (const o of [0, 100, 200]) a.store.ack(ID, o);
  await a.store.flush();
  assert.equal(a.origins.prior(FILE, host), 3, 'the running agent weighs all it learned');
  assert.equal(a.origins.prior(FILE, other), 1.75);
  assert.equal(a.journal.waiting, 1, 'the error at 200 waits for the position to pass it');

  const b = await open(dir);
  assert.equal(b.store.get(ID)!.offset, 200);
  assert.equal(b.origins.prior(FILE, host), 3, 'the two errors before the position are kept');
  assert.equal(b.origins.prior(FILE, other), 1, 'the error read again is not counted yet');
  decide(b.origins, b.journal, 200, other, 0.75);
  assert.equal(b.origins.prior(FILE, other), 1.75, 'learned once after the restart, as without it');
  // one write holds both: the positions and the origins they agree with
  const saved = JSON.parse(readFileSync(path.join(dir, CHECKPOINT_FILE), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(saved).sort(), ['attached', 'files', 'version']);
});

test('a file no longer checkpointed (done with) or rewritten since: its errors are saved, never read again', async () => {
  const dir = tmp('origins-gone');
  const a = await open(dir);
  a.store.track(ID, FILE, 0);
  a.store.emitted(ID, 0, 100);
  decide(a.origins, a.journal, 0, host);
  a.store.hold(ID, 0);
  await a.store.flush();
  assert.equal(a.journal.waiting, 1);
  // copytruncate: the same inode starts again with other content
  a.store.track({ ...ID, fingerprint: 'g' }, FILE, 0);
  await a.store.flush();
  assert.equal(a.journal.waiting, 0);
  assert.equal((await open(dir)).origins.prior(FILE, host), 2);
});
