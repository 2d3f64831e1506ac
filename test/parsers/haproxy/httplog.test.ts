import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HaproxyParseContext } from '../../../parsers/haproxy/index.js';
import { makeZone } from '../../../parsers/zones.js';
import { get, ok } from './helpers.js';

const DOC_EXAMPLE =
  'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"';

test('HAP-DOC §8.2.3 example: Elastic field names, ≥1.7 timer semantics', () => {
  const p = ok(DOC_EXAMPLE);
  const d = p.doc;
  assert.equal(p.t, Date.UTC(2009, 1, 6, 12, 14, 14, 655));
  assert.equal(get(d, 'haproxy.mode'), 'http');
  assert.equal(get(d, 'haproxy.log_format'), 'httplog');
  assert.equal(get(d, 'haproxy.http.request.time_wait_ms'), 10);
  assert.equal(get(d, 'haproxy.total_waiting_time_ms'), 0);
  assert.equal(get(d, 'haproxy.connection_wait_time_ms'), 30);
  assert.equal(get(d, 'haproxy.http.request.time_wait_without_data_ms'), 69);
  assert.equal(get(d, 'haproxy.active_time_ms'), 109);
  assert.equal(get(d, 'haproxy.total_time_ms'), undefined, 'httplog has no Tt');
  assert.equal(get(d, 'haproxy.http.timers_semantics'), 'TR/Tw/Tc/Tr/Ta');
  assert.equal(get(d, 'haproxy.request_date'), '2009-02-06T12:14:14.655Z');
  assert.equal(get(d, 'haproxy.session_end'), '2009-02-06T12:14:14.764Z');
  assert.equal(get(d, 'event.duration'), 109e6);
  assert.equal(get(d, 'http.response.status_code'), 200);
  assert.equal(get(d, 'http.response.bytes'), 2750);
  assert.equal(get(d, 'http.request.method'), 'GET');
  assert.equal(get(d, 'http.version'), '1.1');
  assert.deepEqual(d.url, { original: '/index.html', path: '/index.html', extension: 'html' });
  assert.deepEqual(get(d, 'haproxy.http.request.captured_headers'), ['1wt.eu']);
  assert.deepEqual(get(d, 'haproxy.http.response.captured_headers'), ['']);
  assert.equal(get(d, 'haproxy.http.request.captured_cookie'), '-');
  assert.equal(get(d, 'haproxy.termination_state'), '----');
});

test('pre-1.7 semantics on request: Tq/Tt and accept date', () => {
  const ctx: HaproxyParseContext = { zone: makeZone('UTC'), haproxyLegacyHttpTimers: true };
  const d = ok(DOC_EXAMPLE, ctx).doc;
  assert.equal(get(d, 'haproxy.http.timers_semantics'), 'Tq/Tw/Tc/Tr/Tt');
  assert.equal(get(d, 'haproxy.total_time_ms'), 109);
  assert.equal(get(d, 'haproxy.accept_date'), '2009-02-06T12:14:14.655Z');
  assert.equal(get(d, 'haproxy.request_date'), undefined);
  assert.equal(get(d, 'haproxy.http.request.time_wait_ms'), 10);
});

test('header capture blocks: none, one (request), two; `{|||}` and `{}` like Elastic', () => {
  const base = '127.0.0.1:35982 [10/Dec/2018:12:01:46.395] w w/<NOSRV> 0/-1/-1/-1/0 503 213 - - SC-- 1/1/0/0/0 0/0';
  const none = ok(`${base} "GET / HTTP/1.1"`).doc;
  assert.equal(get(none, 'haproxy.http.request.captured_headers'), undefined);
  const one = ok(`${base} {localhost:8888||} "GET /foo HTTP/1.1"`).doc;
  assert.deepEqual(get(one, 'haproxy.http.request.captured_headers'), ['localhost:8888']);
  assert.equal(get(one, 'haproxy.http.response.captured_headers'), undefined);
  const two = ok(`${base} {localhost:8888||} {|||} "GET /foo HTTP/1.1"`).doc;
  assert.deepEqual(get(two, 'haproxy.http.response.captured_headers'), []);
  assert.equal(get(two, 'url.path'), '/foo');
});

test('header values with spaces (User-Agent) do not break the line', () => {
  const d = ok(
    '1.2.3.4:27368 [15/Dec/2021:16:55:17.995] fe~ be/s1 24/0/0/3/27 304 453 - - ---- 27/1/1/0/0 0/0 {|Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/96} "GET /image.png HTTP/1.1" TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 R-<someID>',
  ).doc;
  assert.deepEqual(get(d, 'haproxy.http.request.captured_headers'), [
    '',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/96',
  ]);
  assert.equal(get(d, 'haproxy.extra_fields'), 'TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 R-<someID>');
  assert.equal(get(d, 'haproxy.frontend_name'), 'fe~');
});

test('<BADREQ> with -1 timers and CR-- (logstash#353, integrations bad-req)', () => {
  const d = ok(
    'Sep 29 08:33:00 localhost haproxy[14389]: 127.0.0.1:33317 [29/Sep/2025:08:33:00.277] f_foobar~ f_foobar/<NOSRV> -1/-1/-1/-1/0 400 0 - - CR-- 8/1/0/0/0 0/0 "<BADREQ>"',
  ).doc;
  assert.equal(get(d, 'haproxy.http.request.raw_request_line'), '<BADREQ>');
  assert.equal(get(d, 'http.request.method'), undefined);
  assert.equal(get(d, 'haproxy.http.request.time_wait_ms'), -1);
  assert.equal(get(d, 'haproxy.termination.initiator'), 'client_abort');
  assert.equal(get(d, 'haproxy.termination.phase'), 'request');
});

test('status -1 and empty request "" (HAP-DOC §8.9)', () => {
  const d = ok(
    'haproxy[18113]: 127.0.0.1:34548 [15/Oct/2003:15:18:55.798] px-http px-http/<NOSRV> -1/-1/-1/-1/8490 -1 0 - - CR-- 2/2/2/0/0 0/0 ""',
  ).doc;
  assert.equal(get(d, 'http.response.status_code'), -1);
  assert.equal(get(d, 'haproxy.http.request.raw_request_line'), '');
  assert.equal(get(d, 'url'), undefined);
});

test('line truncated at 1024 bytes: no closing quote still gives a record', () => {
  const long = '/path/' + 'x'.repeat(1100);
  const line =
    `Jul 31 22:20:22 lb haproxy[1190]: 203.0.113.54:59968 [31/Jul/2017:22:20:22.447] lb default/i8 135/0/1/19/156 200 1015 - - --VR 8/8/0/0/0 0/0 "GET ${long}`.slice(
      0,
      1024,
    );
  const d = ok(line).doc;
  assert.equal(get(d, 'haproxy.truncated'), true);
  assert.equal(get(d, 'http.request.method'), 'GET');
  assert.ok(String(get(d, 'url.original')).startsWith('/path/xxx'));
  assert.equal(get(d, 'http.version'), undefined);
});

test('truncated inside a header capture block', () => {
  const d = ok(
    '1.2.3.4:1 [15/Dec/2021:16:55:17.995] fe be/s1 24/0/0/3/27 304 453 - - ---- 27/1/1/0/0 0/0 {Mozilla/5.0 (Wind',
  ).doc;
  assert.equal(get(d, 'haproxy.truncated'), true);
  assert.deepEqual(get(d, 'haproxy.http.request.captured_headers'), ['Mozilla/5.0 (Wind']);
});

test('httpslog (HAP-DOC §8.2.4) maps the TLS fields like Elastic', () => {
  const d = ok(
    'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] https-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1" 0/0/0/0/1 1wt.eu/TLSv1.3/TLS_AES_256_GCM_SHA384',
  ).doc;
  assert.equal(get(d, 'haproxy.log_format'), 'httpslog');
  assert.equal(get(d, 'tls.version'), '1.3');
  assert.equal(get(d, 'tls.version_protocol'), 'tls');
  assert.equal(get(d, 'tls.cipher'), 'TLS_AES_256_GCM_SHA384');
  assert.equal(get(d, 'tls.client.server_name'), '1wt.eu');
  assert.equal(get(d, 'tls.resumed'), true);
  assert.equal(get(d, 'destination.domain'), '1wt.eu');
  assert.equal(get(d, 'url.domain'), '1wt.eu');
  assert.equal(get(d, 'haproxy.connections.ssl_fc_err'), 0);
});

test('stats applet, persistence cookie flags, logasap', () => {
  const stats = ok(
    '127.0.0.1:34902 [16/Apr/2018:13:37:08.576] stats stats/<STATS> 0/0/0/0/0 200 1316 - - LR-- 1/1/0/0/0 0/0 "GET /haproxy_stats/;csv;norefresh HTTP/1.1"',
  ).doc;
  assert.equal(get(stats, 'haproxy.server_name'), '<STATS>');
  assert.equal(get(stats, 'haproxy.termination.initiator'), 'proxy_local');
  const vn = ok(
    '73.18.215.121:50886 [01/Feb/2018:18:34:10.200] fr bk/s 0/0/0/121/122 200 938 - - --VN 4/4/3/3/0 0/0 "GET / HTTP/1.1"',
  ).doc;
  assert.match(String(get(vn, 'haproxy.termination.description')), /valid cookie/);
  const asap = ok(
    '127.0.0.1:39759 [09/Dec/2013:12:59:46.633] lb default/i8 0/51536/1/48082/+99627 200 +83285 - - ---- 87/87/87/1/0 0/67 {77.24.148.74} "GET / HTTP/1.1"',
  ).doc;
  assert.equal(get(asap, 'haproxy.logasap'), true);
  assert.equal(get(asap, 'haproxy.active_time_ms'), 99627);
  assert.equal(get(asap, 'haproxy.backend_queue'), 67);
});

test('request line variants: absolute URI, CONNECT, backslashes, no version', () => {
  const abs = ok(
    '1.2.3.4:1 [30/Jul/2018:09:03:52.726] in~ d/d 0/0/1/0/2 304 168 - - ---- 6/6/0/0/0 0/0 "GET http://192.168.0.12:8080/serv/login.php?lang=en&profile=2 HTTP/1.1"',
  ).doc;
  assert.equal(get(abs, 'url.domain'), '192.168.0.12');
  assert.equal(get(abs, 'url.port'), 8080);
  assert.equal(get(abs, 'url.path'), '/serv/login.php');
  assert.equal(get(abs, 'url.query'), 'lang=en&profile=2');
  assert.equal(get(abs, 'url.scheme'), 'http');
  const conn = ok(
    '127.0.0.1:34500 [04/Nov/2020:08:32:18.194] f b/n1 0/0/0/0/0 405 501 - - ---- 1/1/0/1/0 0/0 "CONNECT localhost:8080 HTTP/1.1"',
  ).doc;
  assert.equal(get(conn, 'http.request.method'), 'CONNECT');
  assert.equal(get(conn, 'url.domain'), 'localhost');
  const bs = ok(
    '10.0.1.2:36085 [12/Dec/2024:06:32:56.606] main~ portal/static 0/0/1/1/2 404 305 - - ---- 6/1/0/0/0 0/0 "GET /public/index.php?s=/index/\\think\\app HTTP/1.1"',
  ).doc;
  assert.equal(get(bs, 'url.path'), '/public/index.php');
  const v09 = ok(
    '127.0.0.1:34014 [09/Aug/2004:20:26:09] proxy-out proxy-out/cache1 0/0/0/162/+162 200 +350 - - ---- 0/0/0/0/0 0/0 {fr.adserver.yahoo.co||http://fr.f416.mail.} {|864|private||} "GET http://fr.adserver.yahoo.com/"',
  ).doc;
  assert.equal(get(v09, 'url.domain'), 'fr.adserver.yahoo.com');
  assert.equal(get(v09, 'http.version'), undefined);
});

test('lab HTTP 500 line (docs/lab-findings.md §3, scenario 12)', () => {
  const p = ok(
    'Nov 23 20:27:30 db-lb-01 haproxy[6497]: 127.0.0.1:55272 [23/Nov/2026:20:27:25.948] www php_app/web1 0/0/0/5017/5017 500 176 - - ---- 1/1/0/0/0 0/0 "GET /product.php?id=13&work=5 HTTP/1.1"',
  );
  assert.equal(p.t, Date.UTC(2026, 10, 23, 20, 27, 25, 948));
  assert.equal(get(p.doc, 'http.response.status_code'), 500);
  assert.equal(get(p.doc, 'url.query'), 'id=13&work=5');
  assert.equal(get(p.doc, 'haproxy.session_end'), '2026-11-23T20:27:30.965Z');
});

test('real lines: IPv4-mapped IPv6 client, RFC5424 from haproxy-ingress with an ip:port server name, 503 <NOSRV>', () => {
  // fluent/fluentd-docs-gitbook#271: `bind :::443 v4v6` logs IPv4 clients as ::ffff:a.b.c.d; split on the LAST colon
  const v6 = ok(
    'Feb  9 17:28:18 proxy haproxy[1540]: ::ffff:195.95.239.60:54241 [09/Feb/2021:17:28:18.698] https~ traefik/server_kube02 0/0/1/7/227 206 1601821 - - ---- 33/15/1/0/0 0/0 "GET /sites/default/files/imagepicker/159/20141026_154037.jpg HTTP/1.1"',
  );
  assert.deepEqual(v6.doc.source, { address: '::ffff:195.95.239.60', ip: '::ffff:195.95.239.60', port: 54241 });
  assert.equal(v6.t, Date.UTC(2021, 1, 9, 17, 28, 18, 698));
  assert.equal(get(v6.doc, 'haproxy.frontend_name'), 'https~');
  assert.equal(get(v6.doc, 'http.response.status_code'), 206);
  assert.equal(get(v6.doc, 'haproxy.connections.active'), 33);
  // jcmoraisjr/haproxy-ingress#278: RFC5424 envelope, app name `ingress`, server named after its address
  const ing = ok(
    '<134>1 2019-01-07T13:35:02+00:00 haproxy-ingress-7d59695959-q5sjc ingress 44 - - 10.244.5.0:48548 [07/Jan/2019:13:35:02.165] httpfront-shared-frontend~ aaa-aaaa-web-staging-8000/10.244.13.99:8000 0/0/1/593/595 404 9085 - - ---- 4/2/1/1/0 0/0 "GET /health/ HTTP/1.1"',
  );
  assert.equal(get(ing.doc, 'haproxy.backend_name'), 'aaa-aaaa-web-staging-8000');
  assert.equal(get(ing.doc, 'haproxy.server_name'), '10.244.13.99:8000');
  assert.deepEqual(ing.doc.process, { name: 'ingress', pid: 44 });
  assert.deepEqual(ing.doc.host, { hostname: 'haproxy-ingress-7d59695959-q5sjc' });
  assert.equal(get(ing.doc, 'haproxy.connection_wait_time_ms'), 1);
  assert.equal(get(ing.doc, 'haproxy.active_time_ms'), 595);
  assert.equal(ing.t, Date.UTC(2019, 0, 7, 13, 35, 2, 165));
  // a Debian 11 / HAProxy 2.2.9 walkthrough (public source file id 47010602955): all servers down
  const ns = ok(
    'Feb 19 04:13:36 debian11 haproxy[4436]: 10.2.0.1:54090 [19/Feb/2023:04:13:36.655] web_proxy web_server02/<NOSRV> 0/-1/-1/-1/0 503 221 - - SC-- 1/1/0/0/0 0/0 "GET /app2 HTTP/1.1"',
  );
  assert.equal(get(ns.doc, 'haproxy.server_name'), '<NOSRV>');
  assert.equal(get(ns.doc, 'haproxy.termination_state'), 'SC--');
  assert.equal(get(ns.doc, 'haproxy.connection_wait_time_ms'), -1);
  assert.equal(get(ns.doc, 'http.response.status_code'), 503);
});
