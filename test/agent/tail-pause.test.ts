/**
 * A paused file is not read while the others are (the agent pauses a file whose records pile up in the
 * merge behind a backlog on another file), and reading resumes where it stopped, nothing skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync as append, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import { Tailer } from '../../src/agent/inputs/tailer.js';
import { collectUntil, tmp } from './helpers.js';

test('a paused file is left unread while another is read; resumed, its lines come in order', async (t) => {
  const dir = tmp('pause');
  const a = path.join(dir, 'a.log');
  const b = path.join(dir, 'b.log');
  writeFileSync(a, 'a1\n');
  writeFileSync(b, 'b1\n');
  const store = await CheckpointStore.open(path.join(dir, '.state'));
  const tailer = new Tailer({ inputs: [{ name: 'in', paths: [a, b] }], store, startAt: 'beginning', pollMs: 30 });
  tailer.start();
  t.after(() => tailer.stop());
  const first = await collectUntil(tailer, store, () => new Set(['a1', 'b1']));
  const idA = first.find((r) => r.text === 'a1')!.identity;
  tailer.pause(idA, true);
  append(a, 'a2\na3\n');
  append(b, 'b2\n');
  const during = await collectUntil(tailer, store, () => new Set(['b2']));
  // b3 is read in a later pass over the files than a2 and a3 were written before: unpaused, a would be
  // read by then (every pass visits every file)
  append(b, 'b3\n');
  during.push(...(await collectUntil(tailer, store, () => new Set(['b3']))));
  assert.deepEqual(
    during.map((r) => r.text),
    ['b2', 'b3'],
  );
  const readPosA = tailer.openFiles().find((f) => f.path === a)!.readPos;
  assert.ok(readPosA < statSync(a).size, `a was read while paused (read to ${readPosA})`);
  tailer.pause(idA, false);
  const after = await collectUntil(tailer, store, () => new Set(['a2', 'a3']));
  assert.deepEqual(
    after.map((r) => [r.text, r.offset]),
    [
      ['a2', 3],
      ['a3', 6],
    ],
  );
});
