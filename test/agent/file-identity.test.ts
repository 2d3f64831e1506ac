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

test('two logs that start with the same 1 KiB header are two files, both read in full', async () => {
  const dir = tmp('header');
  const header = `# banner ${'='.repeat(1200)}\n`;
  writeFileSync(path.join(dir, 'one.log'), header + lines('one', 50));
  const store = await CheckpointStore.open(path.join(dir, '.state'));
  const t = new Tailer({ inputs: [{ name: 'in', paths: [path.join(dir, '*.log')] }], store, startAt: 'beginning' });
  const want = new Set([`one 49 ${'q'.repeat(30)}`, `two 49 ${'q'.repeat(30)}`]);
  const collecting = collectUntil(t.start(), store, () => want);
  writeFileSync(path.join(dir, 'two.log'), header + lines('two', 50));
  const got = await collecting;
  await t.stop();
  assert.equal(got.filter((r) => r.text.startsWith('two ')).length, 50);
  assert.equal(got.filter((r) => r.text.startsWith('one ')).length, 50);
});

test('after a restart, a new log with the same header as a checkpointed one is read from its beginning', async () => {
  const dir = tmp('header-restart');
  const header = `# banner ${'='.repeat(1200)}\n`;
  const state = path.join(dir, '.state');
  writeFileSync(path.join(dir, 'a.log'), header + lines('a', 100));
  await firstRun(path.join(dir, '*.log'), state);
  writeFileSync(path.join(dir, 'b.log'), header + lines('b', 10));
  const { got, opened } = await secondRun(path.join(dir, '*.log'), state, `b 9 ${'q'.repeat(30)}`);
  assert.deepEqual(
    opened.map((e) => [path.basename(e.path), e.reason]),
    [
      ['a.log', 'checkpoint'],
      ['b.log', 'beginning'],
    ],
  );
  assert.equal(got.filter((r) => r.text.startsWith('b ')).length, 10);
});
