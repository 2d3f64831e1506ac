/**
 * The byte-level tcplog NDJSON writer (src/sinks/tcplog-ndjson.ts) must write exactly what
 * TcpLogRecord.toNdjson() writes (itself held to JSON.stringify of the document), line after line
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
import { makeZone } from '../../parsers/time.js';
import { openOutput } from '../../src/sinks/output.js';
import { writeTcplogNdjson } from '../../src/sinks/tcplog-ndjson.js';
import { tcplogLine } from '../parsers/haproxy/tcplog-lines.js';

const UTC = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 10, 23) };

test('byte writer output equals toNdjson() for runs of generated tcplog lines', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-bytes-'));
  try {
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
            const r = parseHaproxyLine(text, UTC);
            if (!r.ok || !(r.value instanceof TcpLogRecord)) continue;
            const pathJson = JSON.stringify(file);
            writeTcplogNdjson(o, r.value, text, pathJson, offset);
            expected.push(r.value.toNdjson(text, pathJson, offset) + '\n');
            offset += Buffer.byteLength(text) + 1;
          }
          o.close();
          assert.equal(readFileSync(out, 'utf8'), expected.join(''));
          rmSync(out);
        },
      ),
      { numRuns: 300 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('output crossing many buffer flushes comes out whole and in order', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-bytes-'));
  try {
    const out = path.join(dir, 'big.ndjson');
    const o = openOutput(out);
    const expected: string[] = [];
    // 60 records of ~200 KB: 12 MB through a 4 MiB buffer
    for (let i = 0; i < 60; i++) {
      const text = `haproxy[1]: 10.0.0.1:${1000 + i} [23/Nov/2026:20:00:00.000] fe be/s1 0/0/10 5 -- 1/1/1/1/0 0/0 ${String(i % 10).repeat(200_000)}`;
      const r = parseHaproxyLine(text, UTC);
      assert.ok(r.ok && r.value instanceof TcpLogRecord);
      writeTcplogNdjson(o, r.value, text, '"/big.log"', i);
      expected.push(r.value.toNdjson(text, '"/big.log"', i) + '\n');
    }
    o.close();
    const got = readFileSync(out, 'utf8');
    assert.equal(got.length, expected.join('').length);
    assert.equal(got, expected.join(''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
