/**
 * The agent's inputs under steady writes: rotation by rename + create and by copytruncate (the two modes of
 * logrotate, https://man7.org/linux/man-pages/man8/logrotate.8.html), a file deleted and recreated, and a
 * glob gaining files. Every line is delivered once, with the inode and byte offset it was written at.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import { Tailer, type InputSpec } from '../../src/agent/inputs/tailer.js';
import { assertExactlyOnce, collectUntil, sleep, SteadyWriter, tmp, type Written } from './helpers.js';

async function startTailer(dir: string, inputs: InputSpec[], startAt: 'beginning' | 'end' = 'beginning') {
  const store = await CheckpointStore.open(path.join(dir, '.state'));
  const tailer = new Tailer({ inputs, store, startAt, pollMs: 50, closeInactiveMs: 300 }).start();
  const events: string[] = [];
  for (const e of ['opened', 'rotated', 'truncated', 'closed']) tailer.on(e, () => events.push(e));
  return { store, tailer, events };
}

const texts =
  (...ws: SteadyWriter[]) =>
  () =>
    new Set(ws.flatMap((w) => [...w.written.keys()]));
const allWritten = (...ws: SteadyWriter[]) => new Map<string, Written>(ws.flatMap((w) => [...w.written]));

/** Starts a steady writer on dir/app.log, rotates it three times 250 ms apart, and collects every line. */
async function threeRotations(tag: string, rotate: (w: SteadyWriter, log: string, i: number) => void) {
  const dir = tmp(tag);
  const log = path.join(dir, 'app.log');
  const w = new SteadyWriter(log, tag);
  const { store, tailer, events } = await startTailer(dir, [{ name: 'app', paths: [log] }]);
  w.start();
  for (let i = 1; i <= 3; i++) {
    await sleep(250);
    rotate(w, log, i);
  }
  await sleep(250);
  w.stop();
  const got = await collectUntil(tailer, store, texts(w));
  await tailer.stop();
  assertExactlyOnce(got, w.written, dir);
  return { tailer, events: (name: string) => events.filter((e) => e === name).length };
}

test('rename + create rotation under steady writes: the old file is read to its end, nothing lost or doubled', async () => {
  const { tailer, events } = await threeRotations('rename', (w, log, i) => w.rotateRename(`${log}.${i}`));
  assert.equal(events('rotated'), 3);
  assert.equal(tailer.stats.rotations, 3);
});

test('copytruncate under steady writes: truncation is detected, the copy supplies the unread rest', async () => {
  const { tailer, events } = await threeRotations('copytrunc', (w, log, i) => w.copyTruncate(`${log}.${i}`));
  assert.equal(events('truncated'), 3);
  assert.equal(tailer.stats.truncations, 3);
});

test('a file deleted and recreated: the deleted one is read to its end, the new one from its beginning', async () => {
  const { events } = await threeRotations('delete', (w) => w.deleteRecreate());
  assert.equal(events('opened'), 4);
  assert.equal(events('rotated'), 3);
});

test('copytruncate of a file the glob also matches: the copy is not read again as a new file', async () => {
  const dir = tmp('copyglob');
  const log = path.join(dir, 'app.log');
  const w = new SteadyWriter(log, 'g');
  const { store, tailer } = await startTailer(dir, [{ name: 'app', paths: [path.join(dir, 'app.log*')] }]);
  w.start();
  await sleep(300);
  w.copyTruncate(`${log}.1`);
  await sleep(300);
  w.stop();
  const got = await collectUntil(tailer, store, texts(w));
  await sleep(200); // a copy wrongly read as new would add its lines now
  const late = await collectUntil(tailer, store, () => new Set(['(nothing more)']), 600);
  await tailer.stop();
  assertExactlyOnce([...got, ...late], w.written, dir);
});

test('a glob gaining files: later files are read from their beginning; start_at=end skips what was there', async () => {
  const dir = tmp('glob');
  const old = path.join(dir, 'old.log');
  writeFileSync(old, 'before the agent 1\nbefore the agent 2\n');
  const { store, tailer } = await startTailer(dir, [{ name: 'app', paths: [path.join(dir, '*.log')] }], 'end');
  await sleep(150); // the first scan has seen old.log (the file the agent finds at start)
  const a = new SteadyWriter(old, 'a').start();
  await sleep(200);
  const b = new SteadyWriter(path.join(dir, 'b.log'), 'b');
  b.write(50); // written before the agent can have seen b.log: read since b.log appeared later
  b.start();
  await sleep(200);
  const c = new SteadyWriter(path.join(dir, 'sub-c.log'), 'c').start();
  await sleep(250);
  for (const x of [a, b, c]) x.stop();
  const got = await collectUntil(tailer, store, texts(a, b, c));
  await tailer.stop();
  assertExactlyOnce(got, allWritten(a, b, c), dir);
  assert.ok(!got.some((r) => r.text.startsWith('before the agent')), 'start_at=end read lines already there');
  assert.deepEqual(new Set(got.map((r) => r.input)), new Set(['app']));
});
