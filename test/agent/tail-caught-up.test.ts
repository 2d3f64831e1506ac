/**
 * Tailer.caughtUp: the agent takes a quiet file for idle (and stops letting it hold the merge back) only once it has
 * all of the file — not while lines of it wait in the queue or are not read yet, which is a file behind a backlog
 * or a slow sink, not a quiet one (src/agent/agent.ts turn()).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync as append, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import { Tailer } from '../../src/agent/inputs/tailer.js';
import { collectUntil, tmp, waitFor } from './helpers.js';

test('a file is caught up only once every line of it read has been taken, and not while new bytes wait', async (t) => {
  const dir = tmp('caught-up');
  const a = path.join(dir, 'a.log');
  writeFileSync(a, 'a1\na2\n');
  const store = await CheckpointStore.open(path.join(dir, '.state'));
  const tailer = new Tailer({ inputs: [{ name: 'in', paths: [a] }], store, startAt: 'beginning', pollMs: 30 });
  tailer.start();
  t.after(() => tailer.stop());
  const [a1, a2] = await collectUntil(tailer, store, () => new Set(['a1', 'a2']));
  assert.deepEqual([a1?.text, a2?.text, a1?.end, a2?.end], ['a1', 'a2', 3, 6]);
  const id = a1!.identity;
  // taken up to a1 only: a2 was delivered past it
  assert.equal(tailer.caughtUp(id, a1!.end), false);
  // every line taken: caught up once a read finds nothing new (the tailer reads again within its poll)
  await waitFor(() => tailer.caughtUp(id, a2!.end), 'the file caught up after its last line was taken');
  append(a, 'a3\n');
  const [a3] = await collectUntil(tailer, store, () => new Set(['a3']));
  assert.equal(a3?.offset, 6);
  // the line read since is past what was taken before it
  assert.equal(tailer.caughtUp(id, a2!.end), false);
  await waitFor(() => tailer.caughtUp(id, a3!.end), 'caught up again after a3 was taken');
});

test('a file resumed after a pause is not caught up until it has been read again, then is at once', async (t) => {
  const dir = tmp('caught-up-paused');
  const a = path.join(dir, 'a.log');
  writeFileSync(a, 'a1\n');
  const store = await CheckpointStore.open(path.join(dir, '.state'));
  const tailer = new Tailer({ inputs: [{ name: 'in', paths: [a] }], store, startAt: 'beginning', pollMs: 30 });
  tailer.start();
  t.after(() => tailer.stop());
  const [a1] = await collectUntil(tailer, store, () => new Set(['a1']));
  const id = a1!.identity;
  await waitFor(() => tailer.caughtUp(id, a1!.end), 'caught up after a1');
  tailer.pause(id, true);
  // written while paused: not read, and the file's last read (before the pause) found its end
  append(a, 'a2\n');
  tailer.pause(id, false);
  // resumed: what came during the pause is not known yet, so the file is not caught up at a1's end
  assert.equal(tailer.caughtUp(id, a1!.end), false);
  const [a2] = await collectUntil(tailer, store, () => new Set(['a2']));
  await waitFor(() => tailer.caughtUp(id, a2!.end), 'caught up once a2, written during the pause, was taken');
  // paused and resumed with nothing new: caught up again as soon as a read finds the end
  tailer.pause(id, true);
  tailer.pause(id, false);
  assert.equal(tailer.caughtUp(id, a2!.end), false);
  await waitFor(() => tailer.caughtUp(id, a2!.end), 'caught up after a read found nothing new');
});
