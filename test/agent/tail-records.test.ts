/**
 * What one file's bytes become: partial lines held until their newline, a 10 MB line cut to
 * max_record_bytes and counted, binary garbage read on with exact offsets, and a slow consumer that slows
 * reading instead of growing memory (queued bytes are counted, no timing is asserted).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync as append, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import { Tailer, type TailRecord } from '../../src/agent/inputs/tailer.js';
import { collectUntil, readAt, tmp, waitFor } from './helpers.js';

async function tailOne(file: string, opts: { maxRecordBytes?: number; queueMaxBytes?: number } = {}) {
  const store = await CheckpointStore.open(path.join(path.dirname(file), '.state'));
  const tailer = new Tailer({
    inputs: [{ name: 'in', paths: [file] }],
    store,
    startAt: 'beginning',
    pollMs: 30,
    ...opts,
  });
  return { store, tailer: tailer.start() };
}

const readTo = (tailer: Tailer, file: string) => () => tailer.openFiles()[0]?.readPos === statSync(file).size;

test('a partial line is held until its newline arrives, then delivered whole at its offset', async () => {
  const dir = tmp('partial');
  const file = path.join(dir, 'a.log');
  writeFileSync(file, 'first line\nsecond li');
  const { store, tailer } = await tailOne(file);
  const first = await collectUntil(tailer, store, () => new Set(['first line']));
  await waitFor(readTo(tailer, file), 'the reader at the end of the file');
  assert.deepEqual(
    first.map((r) => r.text),
    ['first line'],
  );
  assert.equal(tailer.queue.length, 0, 'the half-written line was handed out');
  append(file, 'ne, finished\r\nthird\n');
  const rest = await collectUntil(tailer, store, () => new Set(['second line, finished', 'third']));
  await tailer.stop();
  assert.deepEqual(
    rest.map((r) => [r.text, r.offset]),
    [
      ['second line, finished', 11],
      ['third', 11 + Buffer.byteLength('second line, finished\r\n')],
    ],
  );
});

test('a 10 MB line is cut to max_record_bytes and counted; binary garbage does not stop the reader', async () => {
  const dir = tmp('oversize');
  const file = path.join(dir, 'a.log');
  const max = 64 * 1024;
  const big = 'B'.repeat(10 * 1024 * 1024);
  // random bytes with their newlines taken out, then cut into lines: garbage, not text
  const garbage = Buffer.from(randomBytes(256 * 1024).map((b) => (b === 10 ? 0 : b)));
  const parts: Buffer[] = [Buffer.from('before\n'), Buffer.from(big + '\n')];
  for (let i = 0; i < garbage.length; i += 1000) parts.push(garbage.subarray(i, i + 1000), Buffer.from('\n'));
  parts.push(Buffer.from('ﬁnal ünïcode line after the garbage\n'));
  writeFileSync(file, Buffer.concat(parts));
  const { store, tailer } = await tailOne(file, { maxRecordBytes: max });
  const cut: TailRecord[] = [];
  tailer.on('oversize', (e: TailRecord) => cut.push(e));
  const got = await collectUntil(tailer, store, () => new Set(['ﬁnal ünïcode line after the garbage']));
  await tailer.stop();

  const bigRec = got[1]!;
  assert.equal(bigRec.offset, 7);
  assert.equal(bigRec.text.length, max);
  assert.equal(bigRec.cutBytes, big.length - max);
  assert.equal(tailer.stats.oversize, 1);
  assert.equal(tailer.stats.cutBytes, big.length - max);
  assert.equal(cut.length, 1);
  const garbageLines = got.slice(2, -1);
  assert.equal(garbageLines.length, Math.ceil(garbage.length / 1000));
  let expect = 7 + big.length + 1;
  for (let i = 0; i < garbageLines.length; i++) {
    assert.equal(garbageLines[i]!.offset, expect);
    expect += Math.min(1000, garbage.length - i * 1000) + 1;
  }
  const last = got.at(-1)!;
  assert.equal(last.offset, expect);
  assert.equal(readAt(file, last.offset, Buffer.byteLength(last.text)), last.text);
});

test('a slow consumer: reading waits for it, the queue never holds more than its bound', async () => {
  const dir = tmp('slow');
  const file = path.join(dir, 'a.log');
  const lines = 40_000;
  const text = (i: number) => `slow ${String(i).padStart(6, '0')} ${'y'.repeat(80)}`;
  writeFileSync(file, Array.from({ length: lines }, (_, i) => text(i) + '\n').join(''));
  const size = statSync(file).size; // ~3.6 MB
  const bound = 128 * 1024;
  const maxRecord = 4096;
  const { store, tailer } = await tailOne(file, { queueMaxBytes: bound, maxRecordBytes: maxRecord });
  let consumedEnd = 0;
  let maxAhead = 0;
  let n = 0;
  for await (const r of tailer.records()) {
    // the reader may be ahead of the consumer by the queue, plus the read budget in flight, never by the file
    maxAhead = Math.max(maxAhead, (tailer.openFiles()[0]?.readPos ?? 0) - consumedEnd);
    consumedEnd = r.offset + Buffer.byteLength(r.text) + 1;
    store.ack(r.identity, r.offset);
    if (++n % 200 === 0) await new Promise((res) => setImmediate(res));
    if (n === lines) break;
  }
  await tailer.stop();
  assert.equal(n, lines);
  assert.ok(tailer.queue.maxQueuedBytes <= bound + maxRecord, `queued up to ${tailer.queue.maxQueuedBytes} bytes`);
  assert.ok(tailer.queue.maxQueuedBytes > bound / 2, 'the queue never filled: the consumer was not slow');
  assert.ok(maxAhead < 2 * bound + 256 * 1024, `reading ran ${maxAhead} bytes ahead of a ${size}-byte file's consumer`);
});
