/**
 * `goneaway parse` writes tcplog NDJSON straight from the flat record (tcp-record.ts toNdjson) instead
 * of JSON.stringify(document). This holds the fast writer to the slow one, byte for byte and key
 * order included, over generated lines with every optional part: envelopes, '-'/unix/hostname
 * clients, logasap '+', redispatch, extra tokens, a destination token, names that need escaping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { TcpLogRecord } from '../../../parsers/haproxy/tcp-record.js';
import { makeZone } from '../../../parsers/time.js';
import { OutRecord } from '../../../src/pipeline/parse-file.js';
import type { ParseContext } from '../../../parsers/types.js';

const UTC: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 10, 23) };
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
function hapDate(t: number): string {
  const d = new Date(t);
  return `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}

// names without space or '/', but with characters JSON must escape (quote, backslash, control, non-ASCII)
const odd = fc.constantFrom('"', '\\', '\u0001', 'é', '\ud83d\ude00', '\ud800', '\t');
const name = fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...'abcXYZ019_.-:~') }, { weight: 1, arbitrary: odd }), { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
const timer = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 10_000_000 }));
const client = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('-', 'unix', 'db-app-01'));
const envelope = fc.constantFrom('', 'haproxy[12]: ', 'Nov 23 20:21:24 db-lb-01 haproxy[3968]: ', 'Nov 23 20:21:24 - haproxy: ',
  '<134>Feb  6 12:00:00 haproxy[1]: ', '2026-11-23T20:21:24.5+01:00 lb haproxy[3]: ', '<134>1 2020-06-15T02:58:18+00:00 h haproxy 40 - - ',
  '<134>1 2020-06-15T02:58:18+00:00 - - - - - ');

const line = fc.record({
  env: envelope, client, port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
  t: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2037, 0, 1) }),
  fe: name, be: name, srv: fc.oneof(name, fc.constant('<NOSRV>')), dest: fc.option(name, { nil: undefined }),
  tw: timer, tc: timer, tt: fc.integer({ min: 0, max: 10_000_000 }), asap: fc.boolean(), bytes: fc.integer({ min: 0, max: 2 ** 40 }),
  state: fc.tuple(fc.constantFrom(...'-CcSsPLRIDUK'), fc.constantFrom(...'-RQCHDLT')).map(([a, b]) => a + b),
  conns: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 5, maxLength: 5 }), redisp: fc.boolean(),
  sq: fc.nat(99), bq: fc.nat(99), extra: fc.option(fc.constantFrom('127.0.0.1:41000', '{x} "y"', 'a\\b'), { nil: undefined }),
}).map((r) => {
  const [ac, fcn, bc, sc, rc] = r.conns;
  const cp = r.port === undefined ? `${r.client}:` : `${r.client}:${r.port}`;
  return `${r.env}${cp} [${hapDate(r.t)}] ${r.fe} ${r.be}/${r.srv} ${r.dest !== undefined ? r.dest + ' ' : ''}${r.tw}/${r.tc}/${r.asap ? '+' : ''}${r.tt} ` +
    `${r.asap ? '+' : ''}${r.bytes} ${r.state} ${ac}/${fcn}/${bc}/${sc}/${r.redisp ? '+' : ''}${rc} ${r.sq}/${r.bq}${r.extra !== undefined ? ' ' + r.extra : ''}`;
});

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
  fc.assert(fc.property(line, fc.constantFrom('/var/log/haproxy.log', 'C:\\logs\\"x".log', 'é/ü.log'), fc.nat(1e12), (text, path, offset) => {
    const r = both(text, path, offset);
    if (!r) return;
    fastPath++;
    assert.equal(r.fast, r.slow, text);
  }), { numRuns: 3000 });
  // the generator must exercise the fast writer, not only lines that fall back to other parsers
  assert.ok(fastPath > 2000, `only ${fastPath} of 3000 lines took the tcplog fast path`);
});

test('a record whose document was built or changed is written from the document', () => {
  const text = 'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0';
  const r = parseHaproxyLine(text, UTC);
  assert.ok(r.ok && r.value instanceof TcpLogRecord);
  const out = new OutRecord('haproxy', r.value.t, r.value, undefined, 5, text, '/x.log');
  (out.doc.haproxy as Record<string, unknown>).note = 'annotated';
  const parsed = JSON.parse(out.ndjson()) as { haproxy: { note?: string }; log: { offset: number } };
  assert.equal(parsed.haproxy.note, 'annotated');
  assert.equal(parsed.log.offset, 5);
});
