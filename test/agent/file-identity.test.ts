/**
 * File identity on restart: a checkpoint is resumed only when the inode still holds the content it
 * fingerprinted (a reused inode is read from 0), and a copy of a file already read (copytruncate's) starts
 * where its original was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import { Tailer, type FileEvent } from '../../src/agent/inputs/tailer.js';
import { collectUntil, tmp } from './helpers.js';

const lines = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${tag} ${i} ${'q'.repeat(30)}\n`).join('');

async function firstRun(file: string, state: string) {
  const store = await CheckpointStore.open(state);
  const t = new Tailer({ inputs: [{ name: 'in', paths: [file] }], store, startAt: 'beginning', pollMs: 30 }).start();
  const got = await collectUntil(t, store, () => new Set([`a 99 ${'q'.repeat(30)}`]));
  await t.stop();
  await store.flush();
  return got;
}

async function secondRun(pattern: string, state: string, want: string) {
  const store = await CheckpointStore.open(state);
  const t = new Tailer({ inputs: [{ name: 'in', paths: [pattern] }], store, pollMs: 30 });
  const opened: FileEvent[] = [];
  t.on('opened', (e: FileEvent) => opened.push(e));
  const got = await collectUntil(t.start(), store, () => new Set([want]));
  await t.stop();
  return { got, opened };
}

test('a checkpoint whose inode now holds other content is not resumed: that file is read from 0', async () => {
  const dir = tmp('reuse');
  const file = path.join(dir, 'a.log');
  const state = path.join(dir, '.state');
  writeFileSync(file, lines('a', 100));
  await firstRun(file, state);
  // the same inode, other content: as when a deleted file's inode number is given to a new file
  writeFileSync(file, lines('b', 200));
  const { got, opened } = await secondRun(file, state, `b 199 ${'q'.repeat(30)}`);
  assert.equal(opened[0]!.reason, 'reused-inode');
  assert.equal(got[0]!.offset, 0);
  assert.equal(got.length, 200);
});

test('a copy of a file already read starts where the original was, and is not read again as new', async () => {
  const dir = tmp('copyid');
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  const file = path.join(logs, 'a.log');
  const state = path.join(dir, '.state');
  writeFileSync(file, lines('a', 100));
  const first = await firstRun(file, state);
  const savedAt = statSync(file).size;
  writeFileSync(file, lines('a', 150)); // the same first 1024 bytes, 50 more lines
  copyFileSync(file, path.join(logs, 'a.log.1'));
  unlinkSync(file);
  const { got, opened } = await secondRun(path.join(logs, '*'), state, `a 149 ${'q'.repeat(30)}`);
  assert.equal(first.length, 100);
  assert.equal(opened[0]!.reason, 'copy');
  assert.equal(got[0]!.offset, savedAt);
  assert.deepEqual(
    got.map((r) => r.text.split(' ')[1]),
    Array.from({ length: 50 }, (_, i) => String(100 + i)),
  );
});
