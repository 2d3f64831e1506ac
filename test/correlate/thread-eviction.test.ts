/**
 * MySQL threads leave the window once they ended before it (src/correlate/instance.ts evictInstance); one with no
 * known end stays IDLE_KEEP after its last command (a pooled connection idle for hours is still mapped by its Connect).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evictInstance, IDLE_KEEP, newInstance, type Instance } from '../../src/correlate/instance.js';
import type { Thread } from '../../src/correlate/model.js';

function thread(inst: Instance, id: number, t: number): Thread {
  const th = { instance: inst.name, id, lastT: t, queuedAt: t } as unknown as Thread;
  inst.threads.set(id, [th]);
  inst.threadList.push(th);
  return th;
}

test('a thread that outlived the window’s reach and then quit leaves with the window, not a day later', () => {
  const inst = newInstance('replica1');
  const th = thread(inst, 7, 0);
  th.lastT = 50_000;
  // the window passes its Connect while it is open: it stays
  evictInstance(inst, 60_000, 60_000);
  assert.equal(inst.threadList.size, 1);
  // it quits; two minutes later the window is past its end
  th.lastT = th.quitT = 70_000;
  evictInstance(inst, 200_000, 200_000);
  assert.equal(inst.threadList.size, 0, 'the thread that quit is still queued');
  assert.equal(inst.threads.has(7), false);
});

test('a thread with no known end stays IDLE_KEEP after its last command, looked at again meanwhile', () => {
  const inst = newInstance('replica1');
  thread(inst, 8, 0);
  for (let t = 60_000; t < IDLE_KEEP; t += 3600_000) evictInstance(inst, t, t);
  assert.equal(inst.threads.get(8)?.length, 1, 'an idle pooled connection is kept');
  evictInstance(inst, IDLE_KEEP + 1, IDLE_KEEP + 1);
  assert.equal(inst.threads.has(8), false, 'gone after IDLE_KEEP');
});
