/**
 * `goneaway parse --format ndjson` writes a tcplog record byte by byte from its flat fields
 * (src/sinks/tcplog-ndjson.ts) instead of building its document and calling JSON.stringify. These
 * tests hold that writer to `JSON.stringify` of the document (ParsedRecord.doc: TcpLogRecord.buildDoc()
 * plus event.original, log.* and goneaway.kind), byte for byte and key order included, line after line
 * through the real output buffer: cached blocks (names, states, host, path) and the per-second ISO
 * cache must never leak one line's bytes into the next.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { makeZone } from '../../parsers/zones.js';
import type { ParseContext } from '../../parsers/types.js';
import { ParsedRecord } from '../../src/pipeline/parse-file.js';
import { openOutput } from '../../src/sinks/output.js';
import { writeRecordNdjson } from '../../src/sinks/record-ndjson.js';
import { tcplogLine } from '../parsers/haproxy/tcplog-lines.js';

const UTC: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 10, 23) };

/** A record as parseFile() makes it, from a parse of its own (so the two writers share nothing). */
function record(text: string, file: string, offset: number): ParsedRecord | undefined {
  const r = parseHaproxyLine(text, UTC);
  if (!r.ok || !(r.value instanceof TcpLogRecord)) return undefined;
  return new ParsedRecord('haproxy', r.value.t, r.value, undefined, offset, text, file);
}

function withDir(f: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-bytes-'));
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('property: the byte writer writes JSON.stringify of the document, for runs of generated tcplog lines', () => {
  let written = 0,
    generated = 0;
  withDir((dir) => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(tcplogLine, { minLength: 1, maxLength: 40 }),
        fc.constantFrom('/var/log/haproxy.log', 'C:\\logs\\"x".log', 'é/ü.log'),
        (lines, file) => {
          const out = path.join(dir, `out-${n++}.ndjson`);
          const o = openOutput(out);
          const expected: string[] = [];
          let offset = 0;
          for (const text of lines) {
            generated++;
            const fast = record(text, file, offset);
            const slow = record(text, file, offset);
            offset += Buffer.byteLength(text) + 1;
            if (!fast || !slow) continue;
            writeRecordNdjson(o, fast, JSON.stringify(file));
            assert.ok(fast.parsed instanceof TcpLogRecord && fast.parsed.pristine, 'writing must not build the doc');
            expected.push(JSON.stringify(slow.doc) + '\n');
            written++;
          }
          o.close();
          assert.equal(readFileSync(out, 'utf8'), expected.join(''));
          rmSync(out);
        },
      ),
      { numRuns: 300 },
    );
  });
  // the generator must exercise the byte writer, not only lines that other parsers take
  assert.ok(written > generated * 0.6, `only ${written} of ${generated} generated lines were tcplog records`);
});

test('a record whose document was built or changed is written from the document', () => {
  const text =
    'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0';
  withDir((dir) => {
    const out = path.join(dir, 'one.ndjson');
    const r = record(text, '/x.log', 5)!;
    (r.doc.haproxy as Record<string, unknown>).note = 'annotated';
    const o = openOutput(out);
    writeRecordNdjson(o, r, '"/x.log"');
    o.close();
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as { haproxy: { note?: string }; log: { offset: number } };
    assert.equal(parsed.haproxy.note, 'annotated');
    assert.equal(parsed.log.offset, 5);
  });
});

test('output crossing many buffer flushes comes out whole and in order', () => {
  withDir((dir) => {
    const out = path.join(dir, 'big.ndjson');
    const o = openOutput(out);
    const expected: string[] = [];
    // 60 records of ~200 KB: 12 MB through a 4 MiB buffer
    for (let i = 0; i < 60; i++) {
      const text = `haproxy[1]: 10.0.0.1:${1000 + i} [23/Nov/2026:20:00:00.000] fe be/s1 0/0/10 5 -- 1/1/1/1/0 0/0 ${String(i % 10).repeat(200_000)}`;
      const fast = record(text, '/big.log', i);
      assert.ok(fast);
      writeRecordNdjson(o, fast, '"/big.log"');
      expected.push(JSON.stringify(record(text, '/big.log', i)!.doc) + '\n');
    }
    o.close();
    const got = readFileSync(out, 'utf8');
    assert.equal(got.length, expected.join('').length);
    assert.equal(got, expected.join(''));
  });
});
