import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { BlockPool, LineRereader } from '../../src/sources/line-reread.js';
import { readLines } from '../../src/sources/lines.js';
import { SessionTable, type SessionRow } from '../../src/correlate/session-table.js';
import { HaproxyLines } from '../../src/correlate/correlate-batch.js';
import { newCounts } from '../../src/pipeline/parse-file.js';
import { clip } from '../../src/correlate/model.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lines-read-again-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fileOf = (bytes: Buffer): string => {
  const p = path.join(dir, `f${files++}.log`);
  writeFileSync(p, bytes);
  return p;
};

// a line's bytes: any but '\n' (CR inside and at the end, bytes that are not UTF-8), some longer than a block
const lineBytes = fc
  .oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 20_000 }))
  .map((a) => Buffer.from(a.map((b) => (b === 10 ? 13 : b))));

test('a line read again by its offset is the line the reader gave, as the window keeps it, whatever the bytes', () => {
  fc.assert(
    fc.property(
      fc.array(lineBytes, { minLength: 1, maxLength: 60 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 200 }),
      (lines, lastNewline, picks) => {
        const nl = Buffer.from('\n');
        const body = Buffer.concat(lines.flatMap((l, i) => (i < lines.length - 1 || lastNewline ? [l, nl] : [l])));
        const p = fileOf(body);
        const read = [...readLines(p)];
        if (!read.length) return; // an empty file has no line
        // 8 KiB blocks, two kept: lines cross blocks, fill them and outgrow them; a line longer than a block comes
        // as its first bytes, more than the 2000 characters the window keeps (session-of.ts clip)
        const r = new LineRereader(p, 8192, new BlockPool(2));
        for (const k of [...picks, ...read.keys()]) {
          const l = read[k % read.length]!;
          assert.equal(clip(r.lineAt(l.offset)), clip(l.text));
        }
        r.close();
      },
    ),
    { numRuns: 40 },
  );
});

test('lines near one another are read from one block kept', () => {
  const text = Array.from({ length: 300 }, (_, k) => `line ${k} ${'x'.repeat(k % 50)}`);
  const p = fileOf(Buffer.from(text.join('\n') + '\n'));
  const offsets = [...readLines(p)].map((l) => l.offset);
  const r = new LineRereader(p, 4096, new BlockPool(4));
  // candidates spread over a few kilobytes, read in turn ten times
  for (let round = 0; round < 10; round++)
    for (const k of [3, 40, 17, 60]) assert.equal(r.lineAt(offsets[k]!), text[k]);
  assert.equal(r.reads, 1);
  r.close();
});

test('a file cut while it is read is named, with the fix', () => {
  const p = fileOf(Buffer.from('a\nb\n'));
  const r = new LineRereader(p);
  assert.throws(() => r.lineAt(100), { code: 'GA_ERR_FILE_UNREADABLE' });
});

test('the readers of many files share one pool: the blocks kept stay within it, each file read right', () => {
  const texts = Array.from({ length: 12 }, (_, f) => Array.from({ length: 200 }, (_, k) => `file ${f} line ${k}`));
  const paths = texts.map((t) => fileOf(Buffer.from(t.join('\n') + '\n')));
  const offsets = paths.map((p) => [...readLines(p)].map((l) => l.offset));
  const pool = new BlockPool(3);
  const readers = paths.map((p) => new LineRereader(p, 1024, pool));
  for (let round = 0; round < 3; round++)
    for (let f = 0; f < readers.length; f++)
      for (const k of [5, 150, 60]) {
        assert.equal(readers[f]!.lineAt(offsets[f]![k]!), texts[f]![k]);
        assert.ok(pool.blocks.length <= 3);
      }
  readers[0]!.close();
  assert.ok(pool.blocks.every((b) => b.owner !== readers[0]));
  for (const r of readers) r.close();
  assert.equal(pool.blocks.length, 0);
});

test('a file renamed and replaced during the run: its lines are read from the file the parse opened', () => {
  const p = fileOf(Buffer.from('first old line\nsecond old line\n'));
  const r = new LineRereader(p);
  r.open(); // as the parse opens it (correlate-batch.ts HaproxyLines)
  renameSync(p, `${p}.1`);
  writeFileSync(p, 'a new file, other lines\n');
  assert.equal(r.lineAt(15), 'second old line');
  r.close();
});

test('a last line that grew after its block was read is read again whole', () => {
  const p = fileOf(Buffer.from('done\nhalf'));
  const r = new LineRereader(p);
  assert.equal(r.lineAt(5), 'half');
  appendFileSync(p, ' and the rest\nnext\n');
  assert.equal(r.lineAt(5), 'half and the rest');
  r.close();
});

test('a file rewritten in place, whose offsets no longer start lines, is named with the fix', () => {
  const p = fileOf(Buffer.from('0123456789\nabc\n'));
  const r = new LineRereader(p);
  writeFileSync(p, 'other content, written after a truncation\n');
  assert.throws(() => r.lineAt(11), { code: 'GA_ERR_FILE_UNREADABLE', message: /changed at byte 11/ });
});

const row = (k: number, state: string, file: string, offset: number, text: string): SessionRow => ({
  accept: 1_700_000_000_000 + k,
  end: 1_700_000_000_000 + k,
  state,
  clientIp: '10.0.0.1',
  clientPort: 40000 + k,
  frontend: 'fe',
  backend: 'be',
  server: 'replica1',
  pid: undefined,
  bytesRead: undefined,
  file,
  offset,
  text,
});

test('a table reading lines again keeps no normal close line, and reads it from its file, clipped', () => {
  const long = 'y'.repeat(2500);
  const lines = ['first --', long, 'third cD'];
  const p = fileOf(Buffer.from(lines.join('\n') + '\n'));
  const offsets = [...readLines(p)].map((l) => l.offset);
  const t = new SessionTable(4096);
  t.rereadFrom((file) => (file === 'shown.log' ? new LineRereader(p) : undefined));
  const seqs = [
    t.add(row(0, '--', 'shown.log', offsets[0]!, 'as passed 0')),
    t.add(row(1, '--', 'shown.log', offsets[1]!, 'as passed 1')),
    t.add(row(2, 'cD', 'shown.log', offsets[2]!, 'as passed 2')),
    t.add(row(3, '--', 'other.log', 0, 'as passed 3')),
  ];
  // from the file: the normal closes of the file the source reads; the others as they were passed
  assert.deepEqual(
    seqs.map((s) => t.textOf(s)),
    ['first --', long.slice(0, 2000) + '…', 'as passed 2', 'as passed 3'],
  );
});

test('the lines of a file with a container prefix, or of a name given twice, are not read again', () => {
  const lines = new HaproxyLines();
  const plain = fileOf(Buffer.from('x\n'));
  const prefixed = fileOf(Buffer.from('x\n'));
  const twice = fileOf(Buffer.from('x\n'));
  lines.add(plain)(newCounts(plain, 'haproxy'));
  const c = newCounts(prefixed, 'haproxy');
  c.prefix = 'compose';
  lines.add(prefixed)(c);
  lines.add(twice)(newCounts(twice, 'haproxy'));
  lines.add(twice)(newCounts(twice, 'haproxy'));
  assert.ok(lines.sources(plain));
  assert.equal(lines.sources(prefixed), undefined);
  assert.equal(lines.sources(twice), undefined);
  lines.close();
});
