import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLogFormat, parseHaproxyLine, BUILTIN_FORMATS, unquoteFormat } from '../../../parsers/haproxy/index.js';
import { compileWithLabel, tokenizeLogFormat } from '../../../parsers/haproxy/log-format.js';
import { makeZone } from '../../../parsers/zones.js';
import type { CompiledLineParser, ParseContext, Parsed } from '../../../parsers/types.js';
import { get } from './helpers.js';

const UTC: ParseContext = { zone: makeZone('UTC') };

function compiled(fmt: string, name = 'x'): CompiledLineParser {
  const c = compileLogFormat(fmt, name);
  if ('error' in c) assert.fail(`compile failed: ${c.error}`);
  return c;
}
function ok(c: CompiledLineParser, line: string, ctx = UTC): Parsed {
  const r = c.parse(line, ctx);
  if (!r.ok) assert.fail(`no match for ${line}: ${JSON.stringify(r.issue)}`);
  return r.value;
}

const CUSTOM = '"%ci:%cp [%t] %ft %b/%s %bi:%bp %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq"';
const CUSTOM_LINE =
  'Nov 23 20:27:46 db-lb-01 haproxy[6497]: 127.0.0.1:51742 [23/Nov/2026:20:27:42.814] mysql_ro_custom mariadb_replicas/replica1 127.0.0.1:60362 1/0/4021 333 cD 5/2/4/1/0 0/0';

test('lab custom format with %bi:%bp (docs/lab-findings.md §3, scenario 13) → haproxy.backend_source', () => {
  const c = compiled(CUSTOM, 'mysql_ro_custom');
  assert.equal(c.name, 'mysql_ro_custom');
  const p = ok(c, CUSTOM_LINE);
  assert.deepEqual(get(p.doc, 'haproxy.backend_source'), { ip: '127.0.0.1', port: 60362 });
  assert.equal(get(p.doc, 'haproxy.log_format'), 'custom:mysql_ro_custom');
  assert.equal(get(p.doc, 'haproxy.termination_state'), 'cD');
  assert.equal(get(p.doc, 'haproxy.total_time_ms'), 4021);
  assert.equal(get(p.doc, 'haproxy.session_end'), '2026-11-23T20:27:46.835Z');
  assert.equal(get(p.doc, 'host.hostname'), 'db-lb-01', 'envelope stripped by parse() itself');
  assert.equal(p.t, Date.UTC(2026, 10, 23, 20, 27, 42, 814));
});

test('ctx.haproxyFormats are tried before the built-in shapes', () => {
  const ctx: ParseContext = { zone: makeZone('UTC'), haproxyFormats: [compiled(CUSTOM, 'mysql_ro_custom')] };
  const p = parseHaproxyLine(CUSTOM_LINE, ctx);
  assert.ok(p.ok);
  if (p.ok) {
    assert.equal(get(p.value.doc, 'haproxy.backend_source.port'), 60362);
    assert.equal(get(p.value.doc, 'process.pid'), 6497);
  }
  const plain = parseHaproxyLine(
    'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0',
    ctx,
  );
  assert.ok(
    plain.ok && get(plain.value.doc, 'haproxy.log_format') === 'tcplog',
    'other lines still go to the built-ins',
  );
});

test('built-in formats compile to the fast path; the regex path gives the same document', () => {
  const good =
    '127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0';
  const fast = ok(compiled(BUILTIN_FORMATS.tcplog, 'fe'), good);
  const rx = compileWithLabel(BUILTIN_FORMATS.tcplog, 'fe', 'tcplog', true);
  if ('error' in rx) assert.fail(rx.error);
  const viaRegex = rx.parse(good, UTC);
  assert.ok(viaRegex.ok);
  if (viaRegex.ok) assert.deepEqual(viaRegex.value.doc, fast.doc);
  assert.equal(compiled(BUILTIN_FORMATS.tcplog).parse(good.replace(' 0/0', ''), UTC).ok, false);
  const env = compiled('"${HAPROXY_HTTP_LOG_FMT}"', 'www');
  assert.equal(
    get(
      ok(env, '1.2.3.4:5 [06/Feb/2009:12:14:14.655] w b/s 1/2/3/4/5 200 10 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"')
        .doc,
      'haproxy.log_format',
    ),
    'httplog',
  );
});

test('option tcplog clf / httplog clf', () => {
  const tcp = compiled(BUILTIN_FORMATS.tcpClf, 'clf');
  const p = ok(
    tcp,
    '10.0.1.2 - - [06/Feb/2009:12:12:51 +0100] "TCP " 000 212 "" "" 33313 443 "fnt" "bck" "srv1" 0 0 0 5007 100 cD-- 0 0 0 0 3 0 0 "" "" ',
  );
  assert.equal(p.t, Date.UTC(2009, 1, 6, 11, 12, 51, 443), '%T (with zone) + %ms');
  assert.equal(get(p.doc, 'haproxy.frontend_name'), 'fnt');
  assert.equal(get(p.doc, 'haproxy.termination_state'), 'cD');
  assert.equal(get(p.doc, 'haproxy.bytes_uploaded'), 100);
  const viaLine = parseHaproxyLine(
    'haproxy[1]: 10.0.1.2 - - [06/Feb/2009:12:12:51 +0000] "TCP " 000 212 "" "" 33313 443 fnt bck srv1 0 0 0 5007 100 SD-- 0 0 0 0 3 0 0 "" ""',
    UTC,
  );
  assert.ok(
    viaLine.ok && get(viaLine.value.doc, 'haproxy.log_format') === 'clf',
    'built-in CLF recognised without config, quotes optional',
  );
  const http = parseHaproxyLine(
    '10.0.1.2 - - [06/Feb/2009:12:14:14 +0000] "GET /index.html HTTP/1.1" 200 2750 "" "" 33317 655 "http-in" "static" "srv1" 10 0 30 69 109 ---- 1 1 1 1 0 0 0 "-" "-" "1wt.eu"',
    UTC,
  );
  assert.ok(http.ok);
  if (http.ok) {
    assert.equal(get(http.value.doc, 'http.request.method'), 'GET');
    assert.equal(get(http.value.doc, 'haproxy.mode'), 'http');
    assert.equal(get(http.value.doc, 'haproxy.active_time_ms'), 109);
    assert.deepEqual(get(http.value.doc, 'haproxy.http.request.captured_headers'), ['1wt.eu']);
  }
});

test('an `option tcplog clf` line read without its config is a TCP session, not an HTTP request `"TCP "`', () => {
  // HAProxy §8.2.2 defines tcplog clf as `… [%T] "TCP " 000 %B "" "" %cp %ms %ft %b %s %Th %Tw %Tc %Tt %U %ts-- …`
  // (docs/haproxy-logs.md §1.3); httplog clf's `%r %ST` would also take `"TCP " 000` as request and status
  for (const line of [
    'haproxy[1]: 10.0.1.2 - - [06/Feb/2009:12:12:51 +0000] "TCP " 000 212 "" "" 33313 443 "fnt" "bck" "srv1" 0 0 0 5007 100 cD-- 0 0 0 0 3 0 0 "" "" ',
    '10.0.1.2 - - [06/Feb/2009:12:12:51 +0000] "TCP " 000 212 "" "" 33313 443 fnt bck srv1 0 0 0 5007 100 SD-- 0 0 0 0 3 0 0 "" ""',
  ]) {
    const r = parseHaproxyLine(line, UTC);
    if (!r.ok) assert.fail(`${line}: ${JSON.stringify(r.issue)}`);
    const d = r.value.doc;
    assert.equal(get(d, 'haproxy.mode'), 'tcp', line);
    assert.equal(get(d, 'haproxy.total_time_ms'), 5007, 'the fourth timer is Tt');
    assert.equal(get(d, 'haproxy.bytes_uploaded'), 100);
    assert.equal((get(d, 'haproxy.termination_state') as string).length, 2, 'a TCP state has two characters');
    assert.equal(get(d, 'http'), undefined, 'no HTTP request or status');
    assert.equal(r.value.t, Date.UTC(2009, 1, 6, 12, 12, 51, 443), '%T + %ms');
  }
});

test('flags: +Q quoting with bare "-" for absent values, +X hex, %[sample] fetches', () => {
  const q = compiled('%{+Q}o %ci:%cp %ft %b %s %ID %H %{-Q}ST');
  const p = ok(q, '"10.0.0.1":80 "fe" "be" "<NOSRV>" - "lb1" 200');
  assert.equal(get(p.doc, 'source.ip'), '10.0.0.1');
  assert.equal(get(p.doc, 'haproxy.frontend_name'), 'fe');
  assert.equal(get(p.doc, 'haproxy.server_name'), '<NOSRV>');
  assert.equal(get(p.doc, 'haproxy.unique_id'), undefined, "a bare '-' is HAProxy's no-value");
  assert.equal(get(p.doc, 'haproxy.hostname'), 'lb1');
  const x = compiled('%{+X}ci:%{+X}cp %{+X}Ts %ft');
  const px = ok(x, '7F000001:1F90 4B3C8A6B fe');
  assert.deepEqual(px.doc.source, { address: '127.0.0.1', ip: '127.0.0.1', port: 8080 });
  assert.equal(px.t, 0x4b3c8a6b * 1000);
  const s = compiled('%ci:%cp [%t] %ft %[bc_src]:%[bc_src_port] %[ssl_fc_sni]/%sslv/%sslc %[var(txn.user)]');
  const ps = ok(s, '1.2.3.4:5 [06/Feb/2009:12:12:51.443] fe 10.1.1.1:4000 db.example/TLSv1.2/AES alice');
  assert.deepEqual(get(ps.doc, 'haproxy.backend_source'), { ip: '10.1.1.1', port: 4000 });
  assert.equal(get(ps.doc, 'tls.client.server_name'), 'db.example', 'greedy item stops at the next literal');
  assert.equal(get(ps.doc, 'tls.version'), '1.2');
  assert.deepEqual(get(ps.doc, 'haproxy.samples'), { 'var(txn.user)': 'alice' });
});

test('optional header items swallow their separator; %r truncated at the syslog limit', () => {
  const c = compiled('%ci:%cp [%tr] %ft %ST %hr %hs %{+Q}r');
  assert.equal(
    get(ok(c, '1.2.3.4:5 [06/Feb/2009:12:14:14.655] fe 200 "GET / HTTP/1.1"').doc, 'http.request.method'),
    'GET',
  );
  const two = ok(c, '1.2.3.4:5 [06/Feb/2009:12:14:14.655] fe 200 {a|b} {c} "GET / HTTP/1.1"').doc;
  assert.deepEqual(get(two, 'haproxy.http.request.captured_headers'), ['a', 'b']);
  assert.deepEqual(get(two, 'haproxy.http.response.captured_headers'), ['c']);
  const cut = ok(c, '1.2.3.4:5 [06/Feb/2009:12:14:14.655] fe 200 "GET /very/long/ur').doc;
  assert.equal(get(cut, 'haproxy.truncated'), true);
  assert.equal(get(cut, 'url.original'), '/very/long/ur');
});

test('unquoted formats with backslash escapes, %% and quoted literals', () => {
  assert.equal(unquoteFormat('%ci:%cp\\ [%t]\\ %ft'), '%ci:%cp [%t] %ft');
  assert.equal(unquoteFormat('"%ci \\"TCP \\" %ft"'), '%ci "TCP " %ft');
  assert.equal(unquoteFormat('"%ci" "%ft"'), '"%ci" "%ft"', 'an already-unquoted format is left alone');
  const c = compiled('%ci:%cp\\ 100%%\\ [%t]\\ %ft');
  assert.equal(get(ok(c, '1.2.3.4:5 100% [06/Feb/2009:12:12:51.443] fe').doc, 'haproxy.frontend_name'), 'fe');
});

test("%{+json}o formats read JSON with the items' names; +N logasap values tolerated", () => {
  const c = compiled(
    '"%{+json}o %(client_ip)ci %(client_port)cp %(accept_date)t %(fe)ft %(be)b %(srv)s %(bsrc)bi %(bport)bp %(tt)Tt %(bytes)B %(state)ts"',
    'js',
  );
  const p = ok(
    c,
    'haproxy[1]: {"client_ip": "10.0.0.1", "client_port": 5000, "accept_date": "23/Nov/2026:20:27:43.026", "fe": "mysql_ro", "be": "mariadb_replicas", "srv": "replica2", "bsrc": "127.0.0.1", "bport": 60386, "tt": +4007, "bytes": +512, "state": "--"}',
  );
  assert.equal(p.t, Date.UTC(2026, 10, 23, 20, 27, 43, 26));
  assert.equal(get(p.doc, 'haproxy.backend_source.port'), 60386);
  assert.equal(get(p.doc, 'haproxy.total_time_ms'), 4007);
  assert.equal(get(p.doc, 'haproxy.logasap'), true);
  assert.equal(get(p.doc, 'haproxy.log_format'), 'custom:js');
});

test('every address, date and timer alias lands in its field', () => {
  const c = compiled(
    '%ci:%cp %fi:%fp %bi:%bp %si:%sp [%Tl] [%trl] %Th/%Ti/%TR/%Tq/%Tw/%Tc/%Tr/%Td/%Ta/%Tt %B %U %ST %HM %HU %HV %pid %H %ID %{+Q}[req.hdr(host)] %sslv %sslc',
    'all',
  );
  const p = ok(
    c,
    '10.0.0.1:4000 192.168.1.1:443 10.1.1.1:5000 10.2.2.2:3306 [06/Feb/2009:12:12:51 +0100] [06/Feb/2009:12:12:52 +0100] 1/2/3/6/4/5/7/8/30/40 100 200 201 POST /api?x=1 HTTP/1.1 1234 lb1 abc-1 "example.com" TLSv1.2 AES128',
  );
  const d = p.doc;
  assert.equal(p.t, Date.UTC(2009, 1, 6, 11, 12, 52), 'http format: Parsed.t = request date (%trl, with its zone)');
  assert.equal(get(d, 'haproxy.accept_date'), '2009-02-06T11:12:51.000Z');
  assert.equal(get(d, 'haproxy.session_end'), '2009-02-06T11:12:51.040Z', 'accept + Tt');
  assert.deepEqual(get(d, 'haproxy.frontend_address'), { ip: '192.168.1.1', port: 443 });
  assert.deepEqual(get(d, 'haproxy.backend_source'), { ip: '10.1.1.1', port: 5000 });
  assert.deepEqual(get(d, 'haproxy.server_address'), { ip: '10.2.2.2', port: 3306 });
  assert.deepEqual(get(d, 'haproxy.timers'), { Th: 1, Ti: 2, Tq: 6, Td: 8 });
  assert.equal(get(d, 'haproxy.http.request.time_wait_ms'), 3);
  assert.equal(get(d, 'haproxy.total_waiting_time_ms'), 4);
  assert.equal(get(d, 'haproxy.connection_wait_time_ms'), 5);
  assert.equal(get(d, 'haproxy.http.request.time_wait_without_data_ms'), 7);
  assert.equal(get(d, 'haproxy.active_time_ms'), 30);
  assert.equal(get(d, 'haproxy.total_time_ms'), 40);
  assert.equal(get(d, 'event.duration'), 40e6);
  assert.equal(get(d, 'haproxy.bytes_read'), 100);
  assert.equal(get(d, 'haproxy.bytes_uploaded'), 200);
  assert.equal(get(d, 'http.response.status_code'), 201);
  assert.equal(get(d, 'http.request.method'), 'POST');
  assert.equal(get(d, 'url.query'), 'x=1');
  assert.equal(get(d, 'http.version'), '1.1');
  assert.equal(get(d, 'process.pid'), 1234);
  assert.equal(get(d, 'haproxy.hostname'), 'lb1');
  assert.equal(get(d, 'haproxy.unique_id'), 'abc-1');
  assert.deepEqual(get(d, 'haproxy.samples'), { 'req.hdr(host)': 'example.com' });
  assert.equal(get(d, 'tls.cipher'), 'AES128');
  assert.equal(get(d, 'haproxy.mode'), 'http');
});

test('compile errors are data, not exceptions', () => {
  for (const bad of ['', '%', '%{+Q', '%[src', '%(name', '%zz', 'just text', '%ci %nosuch']) {
    const c = compileLogFormat(bad, 'b');
    assert.ok('error' in c, bad);
  }
  assert.ok(!('error' in tokenizeLogFormat('%ci %cp')));
});
