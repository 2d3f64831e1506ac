/**
 * The tailer's reads as lines (src/agent/inputs/line-splitter.ts into line-batch.ts): whatever the chunk
 * boundaries, the lines come out with the offsets, texts and cut bytes that splitting the whole file gives, and a
 * batch's texts survive the read buffer being read into again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineBatch } from '../../src/agent/inputs/line-batch.js';
import { LineSplitter } from '../../src/agent/inputs/line-splitter.js';
import type { TailRecord } from '../../src/agent/inputs/types.js';

const ID = { dev: '1', ino: '2', fingerprint: '', fingerprintBytes: 0 };

/**
 * length of `b` without a trailing incomplete UTF-8 character (the splitter's cut rule, restated): the longest
 * prefix that decodes and encodes back to itself (the files here are valid UTF-8, so one is at most 3 bytes shorter)
 */
function boundary(b: Buffer): number {
  let keep = b.length;
  while (keep > 0 && !Buffer.from(b.toString('utf8', 0, keep)).equals(b.subarray(0, keep))) keep--;
  return keep;
}

/** the lines of a whole file, by the rules of line-splitter.ts: newline-ended only, '\r' dropped, long lines cut */
function reference(file: Buffer, max: number): Omit<TailRecord, 'input' | 'identity' | 'path'>[] {
  const out: Omit<TailRecord, 'input' | 'identity' | 'path'>[] = [];
  let start = 0;
  for (let nl = file.indexOf(10); nl !== -1; start = nl + 1, nl = file.indexOf(10, start)) {
    const line = file.subarray(start, nl);
    const r: (typeof out)[number] = { offset: start, end: nl + 1, text: '' };
    if (line.length <= max) {
      r.text = line.toString('utf8', 0, line.length && line[line.length - 1] === 13 ? line.length - 1 : line.length);
    } else {
      const keep = boundary(line.subarray(0, max));
      r.text = line.toString('utf8', 0, keep);
      r.cutBytes = line.length - keep;
    }
    out.push(r);
  }
  return out;
}

const lineText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', '\r', 'a\r', 'ü\r', '€€€€€€€€€', '😀😀😀😀', 'x'.repeat(70)),
);

test('lines split from any chunking equal the whole file split: offsets, texts and cuts', () => {
  fc.assert(
    fc.property(
      fc.array(lineText, { maxLength: 30 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.integer({ min: 4, max: 64 }),
      (lines, partialLast, cuts, max) => {
        const text = lines.join('\n') + (partialLast || lines.length === 0 ? '' : '\n');
        const file = Buffer.from(text);
        const at = [0, ...cuts.map((c) => c % (file.length + 1)).sort((a, b) => a - b), file.length];
        const splitter = new LineSplitter(max, 0);
        const got: ReturnType<typeof reference> = [];
        // one read buffer, read into again for every chunk, as the tailer does
        const read = Buffer.alloc(file.length + 1);
        const batches: LineBatch[] = [];
        for (let i = 1; i < at.length; i++) {
          const n = file.copy(read, 0, at[i - 1]!, at[i]!);
          const b = new LineBatch('in', ID, '/log', 2);
          splitter.feedInto(read.subarray(0, n), b);
          batches.push(b);
          read.fill(0x21);
        }
        for (const b of batches)
          for (let i = 0; i < b.length; i++) {
            const { offset, end, text, cutBytes } = b.record(i);
            got.push(cutBytes ? { offset, end, text, cutBytes } : { offset, end, text });
          }
        assert.deepEqual(got, reference(file, max));
        // what is held is the unfinished last line, from where a restart must read
        const last = got.at(-1);
        assert.equal(splitter.pendingStart, last ? last.end : 0);
      },
    ),
    { numRuns: 400 },
  );
});

test('a batch counts the bytes of its lines, without the bytes cut off', () => {
  const b = new LineBatch('in', ID, '/log');
  const read = Buffer.from('abc\r\n' + 'x'.repeat(20) + '\n');
  new LineSplitter(8, 100).feedInto(read, b);
  assert.equal(b.length, 2);
  assert.equal(b.text(0), 'abc');
  assert.equal(b.cutBytes(1), 12);
  // 5 bytes of the first line (with '\r\n'), 21 of the second less the 12 cut
  assert.equal(b.textBytes, 5 + 21 - 12);
  assert.equal(b.offset(1), 105);
  assert.equal(b.key, '1:2');
});
