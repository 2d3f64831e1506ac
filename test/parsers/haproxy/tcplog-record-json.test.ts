/**
 * `goneaway parse` writes tcplog NDJSON straight from the flat record (tcp-record.ts toNdjson) instead
 * of JSON.stringify(document). This holds the fast writer to the slow one, byte for byte and key
 * order included, over generated lines with every optional part: envelopes, '-'/unix/hostname
 * clients, logasap '+', redispatch, extra tokens, a destination token, names that need escaping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tcplogLine } from './tcplog-lines.js';
import { parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { TcpLogRecord } from '../../../parsers/haproxy/tcp-record.js';
import { makeZone } from '../../../parsers/time.js';
import { OutRecord } from '../../../src/pipeline/parse-file.js';
import type { ParseContext } from '../../../parsers/types.js';

const UTC: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 10, 23) };
function both(text: string, path: string, offset: number): { fast: string; slow: string } | undefined {
  const r = parseHaproxyLine(text, UTC);
  if (!r.ok || !(r.value instanceof TcpLogRecord)) return undefined;
  const again = parseHaproxyLine(text, UTC);
  if (!again.ok) assert.fail('second parse must agree');
  const a = new OutRecord('haproxy', r.value.t, r.value, undefined, offset, text, path);
  const b = new OutRecord('haproxy', again.value.t, again.value, undefined, offset, text, path);
  return { fast: a.ndjson(), slow: JSON.stringify(b.doc) };
}

test('tcplog NDJSON written from the flat record equals JSON.stringify of its document', () => {
  let fastPath = 0;
  fc.assert(
    fc.property(
      tcplogLine,
      fc.constantFrom('/var/log/haproxy.log', 'C:\\logs\\"x".log', 'é/ü.log'),
      fc.nat(1e12),
      (text, path, offset) => {
        const r = both(text, path, offset);
        if (!r) return;
        fastPath++;
        assert.equal(r.fast, r.slow, text);
      },
    ),
    { numRuns: 3000 },
  );
  // the generator must exercise the fast writer, not only lines that fall back to other parsers
  assert.ok(fastPath > 2000, `only ${fastPath} of 3000 lines took the tcplog fast path`);
});

test('a record whose document was built or changed is written from the document', () => {
  const text =
    'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0';
  const r = parseHaproxyLine(text, UTC);
  assert.ok(r.ok && r.value instanceof TcpLogRecord);
  const out = new OutRecord('haproxy', r.value.t, r.value, undefined, 5, text, '/x.log');
  (out.doc.haproxy as Record<string, unknown>).note = 'annotated';
  const parsed = JSON.parse(out.ndjson()) as { haproxy: { note?: string }; log: { offset: number } };
  assert.equal(parsed.haproxy.note, 'annotated');
  assert.equal(parsed.log.offset, 5);
});
