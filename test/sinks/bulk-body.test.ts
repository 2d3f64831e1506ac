import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BulkBody } from '../../src/sinks/bulk-body.js';
import type { OutDoc } from '../../src/sinks/sink.js';

const doc = (k: number): OutDoc => ({
  stream: 'logs-goneaway.records-default',
  id: `id-${k}`,
  doc: { message: `line ${k} ${'é'.repeat(k % 5)}`, n: k },
  position: { file: 'haproxy.log', offset: k * 100 },
});

test('a body done with gives its buffer to the next body, which writes the same bytes as a new one', () => {
  const first = new BulkBody(4096);
  for (let k = 0; k < 200; k++) first.add(doc(k)); // outgrows 4 KiB: the buffer doubled on the way
  const used = first.buf;
  first.recycle();
  assert.equal(first.count, 0);
  const next = new BulkBody(4096);
  assert.equal(next.buf, used, 'the recycled buffer, not a new one');
  const fresh = new BulkBody(4096);
  for (const b of [next, fresh]) for (let k = 500; k < 520; k++) b.add(doc(k));
  assert.deepEqual(next.bytes, fresh.bytes);
  assert.equal(next.linesOf(3).toString(), fresh.linesOf(3).toString());
});

test('a body expecting more than a spare holds starts in a buffer of its own size, not one grown by copying', () => {
  const small = new BulkBody(4096);
  small.add(doc(1));
  const used = small.buf;
  small.recycle();
  const big = new BulkBody(1 << 16);
  assert.notEqual(big.buf, used, 'the 4 KiB spare is not taken');
  assert.ok(big.buf.length >= 1 << 16, `${big.buf.length} bytes`);
  for (let k = 0; k < 200; k++) big.add(doc(k));
  assert.ok(big.buf.length >= 1 << 16 && big.pos < 1 << 16, 'filled without growing');
  const bigBuf = big.buf;
  big.recycle();
  // and a smaller body takes the bigger spare as it is
  assert.equal(new BulkBody(4096).buf, bigBuf);
});
