import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PackedLineStore } from '../../src/correlate/line-store.js';

/** `n` lines of ~100 characters (some not ASCII), put into `store`; their places */
function fill(store: PackedLineStore, n: number): { text: string; at: number; len: number }[] {
  const out = [];
  for (let seq = 0; seq < n; seq++) {
    const text = `line ${seq} ${'é→x'.repeat(seq % 7)} ${'0123456789'.repeat(9)}`;
    const at = store.put(seq, text);
    out.push({ text, at, len: store.written });
  }
  return out;
}

test('a packed line store gives back each line as put, from the open and the compressed segments', () => {
  const store = new PackedLineStore(4096, 3, 2);
  const lines = fill(store, 500);
  // in a scattered order: every segment is inflated and let go many times
  for (let i = 0; i < lines.length; i++) {
    const l = lines[(i * 37) % lines.length]!;
    assert.equal(store.get(l.at, l.len), l.text);
  }
});

test('lines read in turn from a few compressed segments inflate each segment once', () => {
  const store = new PackedLineStore(4096, 3, 4);
  const lines = fill(store, 200);
  const segmentOf = (l: { at: number }) => Math.floor(l.at / 4096);
  // one line from each of three compressed segments, read in turn ten times (a join weighing spread candidates)
  const picked = [0, 1, 2].map((no) => lines.find((l) => segmentOf(l) === no)!);
  for (let round = 0; round < 10; round++) for (const l of picked) assert.equal(store.get(l.at, l.len), l.text);
  assert.equal(store.inflations, 3);
});

test('the inflated segments of lines let go are let go with them', () => {
  const store = new PackedLineStore(4096, 3, 4);
  const lines = fill(store, 200);
  const before = store.bytes;
  for (const l of lines.slice(0, 60)) store.get(l.at, l.len);
  assert.ok(store.bytes > before, 'an inflated segment is counted while kept');
  store.release(200);
  // every row left: only the open segment is held
  assert.equal(store.bytes, 4096);
});
