import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { FileDecoder } from '../../src/pipeline/file-decoder.js';
import { newCounts, parseFile, type ParsedRecord } from '../../src/pipeline/parse-file.js';
import type { LogKind } from '../../src/sources/log-kind.js';
import { readLines } from '../../src/sources/lines.js';
import { makeZone } from '../../parsers/zones.js';
import { isMysqlErrorRecordStart } from '../../parsers/mysql/error.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const D = path.join(ROOT, 'examples/lab/13_mixed');
const FILES: Array<[string, LogKind]> = [
  ['haproxy.log', 'haproxy'],
  ['replica1-error.log', 'mysql_error'],
  ['replica2-general.log', 'mysql_general'],
  ['app-php.log', 'app'],
  ['app-python.log', 'app'],
];
const ctx = () => ({ zone: makeZone('UTC'), zoneGiven: true, refTime: Date.UTC(2026, 11, 1) });
const view = (r: ParsedRecord) => JSON.stringify(r.doc);

/** The batch reader's records: the reference the push decoder must reproduce. */
function batch(file: string, kind: LogKind): string[] {
  return [...parseFile(file, kind, ctx(), newCounts(file, kind))].map(view);
}

test('pushing a file line by line, with idle flushes only at the end, gives exactly the batch reader records', () => {
  for (const [name, kind] of FILES) {
    const file = path.join(D, name);
    const dec = new FileDecoder(kind, file, ctx(), newCounts(file, kind));
    const got: string[] = [];
    for (const l of readLines(file)) got.push(...dec.push(l).map(view));
    got.push(...dec.flush().map(view));
    assert.deepEqual(got, batch(file, kind), name);
  }
});

test('a flush between records changes nothing; the pending offset is the start of the unfinished record', () => {
  const file = path.join(D, 'replica1-error.log');
  const lines = [...readLines(file)];
  const want = batch(file, 'mysql_error');
  fc.assert(
    fc.property(fc.array(fc.nat(lines.length - 1), { maxLength: 20 }), (cuts) => {
      const dec = new FileDecoder('mysql_error', file, ctx(), newCounts(file, 'mysql_error'));
      const got: string[] = [];
      const cutAt = new Set(cuts);
      for (let i = 0; i < lines.length; i++) {
        got.push(...dec.push(lines[i]!).map(view));
        // an idle flush is only safe once the next line starts a record: that is when the agent's
        // idle timer can fire without cutting a record (its continuation lines come with it)
        const next = lines[i + 1];
        if (cutAt.has(i) && next !== undefined && isMysqlErrorRecordStart(next.text))
          got.push(...dec.flush().map(view));
      }
      got.push(...dec.flush().map(view));
      assert.deepEqual(got, want);
    }),
    { numRuns: 30 },
  );
  const dec = new FileDecoder('mysql_error', file, ctx(), newCounts(file, 'mysql_error'));
  dec.push(lines[0]!);
  assert.equal(dec.pendingOffset, lines[0]!.offset);
  dec.flush();
  assert.equal(dec.pendingOffset, undefined);
});
