import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileLogFormat,
  decodeTermination,
  logFormatsFromConfig,
  parseHaproxyLine,
  BUILTIN_FORMATS,
} from '../../../parsers/haproxy/index.js';
import { compileWithLabel } from '../../../parsers/haproxy/log-format.js';
import { parseEnvelope } from '../../../parsers/syslog.js';
import { makeZone } from '../../../parsers/zones.js';
import type { ParseContext, ParseResult } from '../../../parsers/types.js';
import { get } from './helpers.js';

// the zone is given (as --timezone would): without it, a generated accept date that happens to lie
// whole quarter hours from the fixed RFC3339 stamp below is rightly placed with the stamp's offset
// (zone-from-envelope.test.ts), which a round trip of random dates must not depend on (seed 201628696)
const UTC: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 10, 23), zoneGiven: true };
const PARIS: ParseContext = { zone: makeZone('Europe/Paris') };

/** A result must be well-formed and serialisable whatever the input. */
function wellFormed(r: ParseResult): void {
  if (r.ok) {
    assert.equal(r.value.kind, 'haproxy');
    assert.ok(r.value.t === undefined || Number.isFinite(r.value.t));
    JSON.stringify(r.value.doc);
  } else {
    assert.equal(typeof r.issue.code, 'string');
    assert.equal(typeof r.issue.message, 'string');
  }
}

const VALID = [
  'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0',
  '2026-11-23T20:21:24.123456+00:00 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0',
  '<134>1 2020-06-15T02:58:18+00:00 h haproxy 40 - - 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1" 0/0/0/0/1 1wt.eu/TLSv1.3/TLS_AES_256_GCM_SHA384',
  'haproxy[6103]: 127.0.0.1:56059 [03/Dec/2012:17:35:10.380] frt/f1: Connection error during SSL handshake',
  'Sep 20 15:42:59 1.2.3.4 haproxy[24551]: Connect from 1.2.3.4:40780 to 1.2.3.4:5000 (main/HTTP)',
  'Nov 23 20:24:10 db-lb-01 haproxy[3968]: Server mariadb_replicas/replica1 is DOWN, reason: Layer7 wrong status, code: 1045, info: "#28000Access denied", check duration: 0ms. 1 active and 0 backup servers left. 3 sessions active, 0 requeued, 0 remaining in queue.',
  '{"client":"127.0.0.1:57192","accept_date":"23/Nov/2026:20:27:43.026","frontend":"f","timers":"1/0/4007","termination_state":"--"}',
  '10.0.1.2 - - [06/Feb/2009:12:12:51 +0000] "TCP " 000 212 "" "" 33313 443 fnt bck srv1 0 0 0 5007 100 SD-- 0 0 0 0 3 0 0 "" ""',
  '[ALERT] 087/151909 (47) : sendmsg logger #1 failed',
];

test('no parser throws on arbitrary strings', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ maxLength: 400 })), (s) => {
      wellFormed(parseHaproxyLine(s, UTC));
      wellFormed(parseHaproxyLine(s, PARIS));
      const e = parseEnvelope(s);
      assert.equal(s.slice(e.payloadStart), e.payload, 'payload is the line from payloadStart');
      decodeTermination(s.slice(0, 4));
      logFormatsFromConfig(s);
      const c = compileLogFormat(s, 'p');
      if (!('error' in c)) wellFormed(c.parse(s, UTC));
    }),
    { numRuns: 1500 },
  );
});

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('del' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('ins' as const), at: fc.nat(), text: fc.string({ unit: 'binary', maxLength: 8 }) }),
  fc.record({
    kind: fc.constant('swap' as const),
    at: fc.nat(),
    ch: fc.constantFrom(' ', '/', ':', '[', ']', '{', '}', '"', '-', '+', '9', 'x', '\\'),
  }),
);

test('no parser throws on mutations of valid lines', () => {
  fc.assert(
    fc.property(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 4 }), (line, muts) => {
      let s = line;
      for (const m of muts) {
        const at = s.length ? m.at % (s.length + 1) : 0;
        if (m.kind === 'cut') s = s.slice(0, at);
        else if (m.kind === 'del') s = s.slice(0, at) + s.slice(at + m.len);
        else if (m.kind === 'ins') s = s.slice(0, at) + m.text + s.slice(at);
        else s = s.slice(0, at) + m.ch + s.slice(at + 1);
      }
      wellFormed(parseHaproxyLine(s, UTC));
    }),
    { numRuns: 3000 },
  );
});

test('arbitrary alias sequences compile and never throw on arbitrary lines', () => {
  const item = fc.constantFrom(
    '%ci',
    '%cp',
    '%t',
    '%T',
    '%Ts',
    '%ms',
    '%tr',
    '%ft',
    '%b',
    '%s',
    '%Tw',
    '%Tc',
    '%Tt',
    '%B',
    '%ts',
    '%tsc',
    '%ST',
    '%hr',
    '%hs',
    '%{+Q}r',
    '%[src]',
    '%{+X}ci',
    '%{+Q}o',
    '%bi',
    '%bp',
    '%(n)ID',
    ':',
    '/',
    '[',
    ']',
    ' ',
    '"',
    '%%',
  );
  fc.assert(
    fc.property(fc.array(item, { minLength: 1, maxLength: 14 }), fc.string({ maxLength: 120 }), (items, line) => {
      const c = compileLogFormat(items.join(''), 'g');
      if ('error' in c) return;
      wellFormed(c.parse(line, UTC));
    }),
    { numRuns: 800 },
  );
});

/* ------------------------------------------------------------------ round trips */

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
function hapDate(t: number): string {
  const d = new Date(t);
  return `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}
const name = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,24}$/);
const timer = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 10_000_000 }));
const count = fc.integer({ min: 0, max: 100_000 });
const client = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('-'));
const envelope = fc.constantFrom(
  '',
  'haproxy[12]: ',
  'Nov 23 20:21:24 db-lb-01 haproxy[3968]: ',
  '<134>Feb  6 12:00:00 haproxy[1]: ',
  '2026-11-23T20:21:24.5+01:00 lb haproxy[3]: ',
  '<134>1 2020-06-15T02:58:18+00:00 h haproxy 40 - - ',
);

const tcpRec = fc.record({
  client,
  port: fc.integer({ min: 0, max: 65535 }),
  t: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2037, 0, 1) }),
  fe: fc.tuple(name, fc.boolean()).map(([n, ssl]) => (ssl ? `${n}~` : n)),
  be: name,
  srv: fc.oneof(name, fc.constant('<NOSRV>')),
  tw: timer,
  tc: timer,
  tt: fc.integer({ min: 0, max: 10_000_000 }),
  asap: fc.boolean(),
  bytes: fc.integer({ min: 0, max: 2 ** 40 }),
  state: fc.tuple(fc.constantFrom(...'-CcSsPLRIDUK'), fc.constantFrom(...'-RQCHDLT')).map(([a, b]) => a + b),
  conns: fc.array(count, { minLength: 5, maxLength: 5 }),
  redisp: fc.boolean(),
  sq: count,
  bq: count,
  env: envelope,
});

type TcpRec = typeof tcpRec extends fc.Arbitrary<infer T> ? T : never;

function tcpLine(r: TcpRec): string {
  const [ac, fcn, bc, sc, rc] = r.conns;
  return (
    `${r.env}${r.client}:${r.port} [${hapDate(r.t)}] ${r.fe} ${r.be}/${r.srv} ${r.tw}/${r.tc}/${r.asap ? '+' : ''}${r.tt} ` +
    `${r.asap ? '+' : ''}${r.bytes} ${r.state} ${ac}/${fcn}/${bc}/${sc}/${r.redisp ? '+' : ''}${rc} ${r.sq}/${r.bq}`
  );
}

test('generated tcplog lines parse back to their field values', () => {
  fc.assert(
    fc.property(tcpRec, (r) => {
      const res = parseHaproxyLine(tcpLine(r), UTC);
      if (!res.ok) assert.fail(`${tcpLine(r)} → ${JSON.stringify(res.issue)}`);
      const d = res.value.doc;
      assert.equal(res.value.t, r.t);
      assert.equal(get(d, 'source.port'), r.port);
      if (r.client !== '-') assert.equal(get(d, 'source.ip'), r.client);
      assert.equal(get(d, 'haproxy.frontend_name'), r.fe);
      assert.equal(get(d, 'haproxy.backend_name'), r.be);
      assert.equal(get(d, 'haproxy.server_name'), r.srv);
      assert.equal(get(d, 'haproxy.total_waiting_time_ms'), r.tw);
      assert.equal(get(d, 'haproxy.connection_wait_time_ms'), r.tc);
      assert.equal(get(d, 'haproxy.total_time_ms'), r.tt);
      assert.equal(get(d, 'haproxy.bytes_read'), r.bytes);
      assert.equal(get(d, 'haproxy.logasap'), r.asap ? true : undefined);
      assert.equal(get(d, 'haproxy.termination_state'), r.state);
      assert.deepEqual(
        [
          get(d, 'haproxy.connections.active'),
          get(d, 'haproxy.connections.frontend'),
          get(d, 'haproxy.connections.backend'),
          get(d, 'haproxy.connections.server'),
          get(d, 'haproxy.connections.retries'),
        ],
        r.conns,
      );
      assert.equal(get(d, 'haproxy.connections.redispatched'), r.redisp ? true : undefined);
      assert.equal(get(d, 'haproxy.server_queue'), r.sq);
      assert.equal(get(d, 'haproxy.backend_queue'), r.bq);
      assert.equal(Date.parse(String(get(d, 'haproxy.session_end'))), r.t + r.tt);
    }),
    { numRuns: 1500 },
  );
});

const header = fc.stringMatching(/^[A-Za-z0-9 .:;/()=_-]{0,30}$/);
const httpRec = fc.record({
  base: tcpRec,
  tr: timer,
  tq: timer,
  trr: timer,
  ta: fc.integer({ min: 0, max: 10_000_000 }),
  status: fc.oneof(fc.constant(-1), fc.integer({ min: 100, max: 599 })),
  ck: fc.constantFrom('-', 'SID=abc', 'x'),
  cs: fc.constantFrom('-', 'SID=def'),
  flags: fc.stringMatching(/^[-NIDVEOU][-NIUPRD]$/),
  blocks: fc.oneof(
    fc.constant([] as string[][]),
    fc.array(fc.array(header, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 }),
  ),
  method: fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'DELETE'),
  path: fc.stringMatching(/^\/[A-Za-z0-9._~/-]{0,40}$/),
  query: fc.option(fc.stringMatching(/^[A-Za-z0-9=&_-]{1,30}$/), { nil: undefined }),
  ver: fc.constantFrom('1.0', '1.1', '2.0'),
});

type HttpRec = typeof httpRec extends fc.Arbitrary<infer T> ? T : never;

function httpLine(h: HttpRec): string {
  const r = h.base;
  const [ac, fcn, bc, sc, rc] = r.conns;
  const blocks = h.blocks.map((b) => ` {${b.join('|')}}`).join('');
  const uri = h.path + (h.query !== undefined ? `?${h.query}` : '');
  return (
    `${r.env}${r.client}:${r.port} [${hapDate(r.t)}] ${r.fe} ${r.be}/${r.srv} ${h.tr}/${r.tw}/${r.tc}/${h.trr}/${r.asap ? '+' : ''}${h.ta} ` +
    `${h.status} ${r.asap ? '+' : ''}${r.bytes} ${h.ck} ${h.cs} ${r.state}${h.flags} ${ac}/${fcn}/${bc}/${sc}/${r.redisp ? '+' : ''}${rc} ` +
    `${r.sq}/${r.bq}${blocks} "${h.method} ${uri} HTTP/${h.ver}"`
  );
}

test('generated httplog lines parse back to their field values', () => {
  fc.assert(
    fc.property(httpRec, (h) => {
      const line = httpLine(h);
      const res = parseHaproxyLine(line, UTC);
      if (!res.ok) assert.fail(`${line} → ${JSON.stringify(res.issue)}`);
      const d = res.value.doc;
      assert.equal(res.value.t, h.base.t);
      assert.equal(get(d, 'haproxy.http.request.time_wait_ms'), h.tr);
      assert.equal(get(d, 'haproxy.http.request.time_wait_without_data_ms'), h.trr);
      assert.equal(get(d, 'haproxy.active_time_ms'), h.ta);
      assert.equal(get(d, 'http.response.status_code'), h.status);
      assert.equal(get(d, 'haproxy.http.request.captured_cookie'), h.ck);
      assert.equal(get(d, 'haproxy.termination_state'), h.base.state + h.flags);
      assert.equal(get(d, 'http.request.method'), h.method);
      assert.equal(get(d, 'url.path'), h.path);
      assert.equal(get(d, 'url.query'), h.query);
      assert.equal(get(d, 'http.version'), h.ver);
      const blocks = h.blocks;
      const req = get(d, 'haproxy.http.request.captured_headers') as string[] | undefined;
      if (blocks.length === 0) assert.equal(req, undefined);
      else
        assert.deepEqual(
          req,
          blocks[0]!.join('|') === ''
            ? ['']
            : blocks[0]!
                .join('|')
                .split('|')
                .filter((_, i, a) => a.slice(i).some((x) => x !== '')),
        );
    }),
    { numRuns: 1500 },
  );
});

test('fast path ≡ compiled log-format regex for tcplog and httplog (one document builder contract)', () => {
  const tcpRx = compileWithLabel(BUILTIN_FORMATS.tcplog, 't', 'tcplog', true);
  const httpRx = compileWithLabel(BUILTIN_FORMATS.httplog, 'h', 'httplog', true);
  if ('error' in tcpRx || 'error' in httpRx) assert.fail('built-ins must compile');
  fc.assert(
    fc.property(tcpRec, httpRec, (r, h) => {
      for (const [line, rx] of [
        [tcpLine(r), tcpRx],
        [httpLine(h), httpRx],
      ] as const) {
        const fast = parseHaproxyLine(line, UTC);
        const slow = rx.parse(line, UTC);
        assert.ok(fast.ok && slow.ok, line);
        // the Parsed contract (kind, t, doc): the fast path returns a lazy record (tcp-record.ts)
        if (fast.ok && slow.ok)
          assert.deepEqual(
            { kind: slow.value.kind, t: slow.value.t, doc: slow.value.doc },
            { kind: fast.value.kind, t: fast.value.t, doc: fast.value.doc },
            line,
          );
      }
    }),
    { numRuns: 800 },
  );
});
