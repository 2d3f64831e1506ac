/**
 * A rotated-away file that is paused keeps the new file at its path waiting (its lines come after the old
 * file's): the reader then has nothing it may read, and must wait for a resume or its next poll — not go round
 * again at once. It once did: every pass ended in promises only, so timers and sockets never had a turn, and the
 * agent holding the pause (waiting on Elasticsearch's answer) never lifted it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { appendFileSync as append, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import { Tailer } from '../../src/agent/inputs/tailer.js';
import { collectUntil, tmp } from './helpers.js';
import { sleep } from './agent-process.js';

/** passes over the files in one wait far more than a poll interval's worth: the reader went round without waiting */
const SPINNING = 1000;

test('a paused rotated-away file holds the new file back without the reader going round and round', async (t) => {
  const dir = tmp('pause-rot');
  const a = path.join(dir, 'a.log');
  writeFileSync(a, 'a1\n');
  const store = await CheckpointStore.open(path.join(dir, '.state'));
  const tailer = new Tailer({ inputs: [{ name: 'in', paths: [a] }], store, startAt: 'beginning', pollMs: 30 });
  // counts the passes; a reader caught going round is let out (the old file resumed), so the test cannot hang
  const inner = tailer as unknown as { drainAll: () => Promise<boolean> };
  const drainAll = inner.drainAll.bind(tailer);
  let passes = 0;
  let spun = false;
  inner.drainAll = () => {
    if (++passes > SPINNING && !spun) {
      spun = true;
      tailer.pause(old, false);
    }
    return drainAll();
  };
  tailer.start();
  t.after(() => tailer.stop());
  const old = (await collectUntil(tailer, store, () => new Set(['a1'])))[0]!.identity;
  tailer.pause(old, true);
  renameSync(a, `${a}.1`);
  append(`${a}.1`, 'a2\n');
  writeFileSync(a, 'n1\n');
  await once(tailer, 'rotated');
  passes = 0;
  await sleep(300);
  assert.ok(!spun, `${passes} passes over the files while nothing could be read`);
  tailer.pause(old, false);
  const rest = await collectUntil(tailer, store, () => new Set(['a2', 'n1']));
  assert.deepEqual(
    rest.map((r) => r.text),
    ['a2', 'n1'],
    "the old file's last line first",
  );
});
