/**
 * HAProxy lines as people pasted them into public issues and READMEs (source on each; docs/haproxy-logs.md "Real
 * lines checked"): tcplog sessions of a MySQL backend, `cD` client timeouts, the default `Connect from` format in
 * an RFC3164 envelope with PRI, `log stdout`, docker's stderr, health checks, reloads and a 1.8 master's messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLogFormat, parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { makeZone } from '../../../parsers/zones.js';
import type { Doc, ParseContext } from '../../../parsers/types.js';
import { get, ok, UTC } from './helpers.js';

/** year-less stamps are placed with refTime (a file's dated records or its mtime) */
const at = (y: number, mo: number, d: number): ParseContext => ({
  zone: makeZone('UTC'),
  refTime: Date.UTC(y, mo - 1, d),
});
const iso = (d: Doc): unknown => d['@timestamp'];

test('tcplog sessions of a MySQL backend: `--` ends, Tt, and the session end is the syslog stamp', () => {
  // https://github.com/bdastur/rex README: "an example of a log from haproxy" (mysql backend, 2015)
  const lines = [
    'Nov 16 16:35:06 testhost1 haproxy[37217]: 192.16.41.8:45133 [16/Nov/2015:16:32:04.152] mysql mysql/mysql1 1/0/182236 12736 -- 647/261/261/261/0 0/0',
    'Nov 16 16:35:06 testhost1 haproxy[37217]: 192.16.41.8:45100 [16/Nov/2015:16:32:03.525] mysql mysql/mysql1 1/0/182932 13077 -- 647/261/261/261/0 0/0',
    'Nov 16 16:35:07 testhost1 haproxy[37217]: 192.16.41.4:55572 [16/Nov/2015:16:32:07.711] mysql mysql/mysql1 1/0/180119 16915 -- 647/261/261/261/0 0/0',
  ];
  const docs = lines.map((l) => ok(l).doc);
  for (const d of docs) {
    assert.equal(get(d, 'haproxy.termination_state'), '--');
    assert.equal(get(d, 'haproxy.server_name'), 'mysql1');
    assert.equal(get(d, 'haproxy.connections.active'), 647);
  }
  assert.equal(get(docs[0]!, 'haproxy.total_time_ms'), 182236);
  assert.equal(get(docs[0]!, 'source.port'), 45133);
  // accept + Tt = 16:35:06.388, the second rsyslog stamped the line with
  assert.equal(get(docs[0]!, 'haproxy.session_end'), '2015-11-16T16:35:06.388Z');
  assert.equal(get(docs[2]!, 'haproxy.session_end'), '2015-11-16T16:35:07.830Z');
});

test('`cD` after `timeout client 5s`: Tt ≈ 5004 ms, logged at accept + Tt', () => {
  // a public vagranttest README's haproxy.log (CentOS 7, 2018; public source file id 37710185677)
  const started = ok('Jul 10 22:47:35 haproxy haproxy[31015]: Proxy http_frontend started.', at(2018, 7, 10));
  assert.deepEqual(get(started.doc, 'haproxy.proxy_state'), { proxy: 'http_frontend', action: 'started' });
  assert.equal(iso(started.doc), '2018-07-10T22:47:35.000Z');
  const cd = ok(
    'Jul 10 22:49:53 haproxy haproxy[31016]: 192.168.1.1:52574 [10/Jul/2018:22:49:48.033] http_frontend web_server/apache1 1/1/5004 385 cD 0/0/0/0/0 0/0',
  ).doc;
  assert.equal(get(cd, 'haproxy.termination_state'), 'cD');
  assert.equal(get(cd, 'haproxy.termination.initiator'), 'client_timeout');
  assert.equal(get(cd, 'haproxy.total_time_ms'), 5004);
  assert.equal(get(cd, 'haproxy.session_end'), '2018-07-10T22:49:53.037Z');
});

test('the default format in an RFC3164 envelope with PRI: a `connect` record with client and frontend', () => {
  // https://github.com/pfelk/pfelk/issues/297
  const d = ok(
    '<134>Jun  4 07:39:02 carphaproxy01 haproxy[48823]: Connect from 10.99.99.99:49638 to 10.99.99.120:5000 (postgresql-rw/TCP)',
    at(2021, 6, 4),
  ).doc;
  assert.equal(get(d, 'haproxy.message_type'), 'connect');
  assert.equal(get(d, 'haproxy.frontend_name'), 'postgresql-rw');
  assert.equal(get(d, 'source.port'), 49638);
  assert.equal(iso(d), '2021-06-04T07:39:02.000Z');
});

test('a 1.8 master`s messages are dated by the envelope, not by their stale `DDD/HHMMSS`', () => {
  // https://github.com/sysown/proxysql/issues/3342: `099/202615` (Apr 10 20:26:15) on a line logged Apr 11 07:35:56
  const ctx = at(2021, 4, 11);
  const reexec = ok(
    'Apr 11 07:35:56 localhost haproxy[103512]: [WARNING] 099/202615 (103512) : Reexecuting Master process',
    ctx,
  );
  assert.equal(iso(reexec.doc), '2021-04-11T07:35:56.000Z');
  const exited = ok(
    'Apr 11 07:37:38 localhost haproxy[103512]: [ALERT] 100/073556 (103512) : Current worker 49380 exited with code 143',
    ctx,
  );
  assert.equal(iso(exited.doc), '2021-04-11T07:37:38.000Z');
  assert.equal(get(exited.doc, 'haproxy.alert.message'), 'Current worker 49380 exited with code 143');
  // https://github.com/easzlab/kubeasz/issues/919 (2020, a leap year): `271/091210` is Sep 28 only in a leap year; a
  // file read with no other date takes its mtime's year, and the envelope's `Sep 28` must still win
  const forked = ok(
    'Sep 28 09:12:10 k8s-sh-03 haproxy[3054]: [NOTICE] 271/091210 (3054) : New worker #1 (3065) forked',
    at(2026, 12, 1),
  );
  assert.equal(iso(forked.doc), '2026-09-28T09:12:10.000Z');
});

test('a master`s stderr stamps from another day under one envelope second: all dated by the envelope', () => {
  // https://github.com/observIQ/stanza-plugins/pull/335: `262/094045` and `232/194354` (Aug 21) logged Sep 20 09:41:34
  const ctx = at(2021, 9, 20);
  for (const line of [
    'Sep 20 09:41:34 oiq-int-haproxy haproxy[5116]: [WARNING] 262/094045 (5116) : Exiting Master process...',
    "Sep 20 09:41:34 oiq-int-haproxy haproxy[5149]: [ALERT] 232/194354 (199) : parsing [/etc/haproxy/haproxy.cfg:13] : unknown keyword 'bind' in 'global' section",
  ])
    assert.equal(iso(ok(line, ctx).doc), '2021-09-20T09:41:34.000Z', line);
});

test('RFC5424 from haproxy-ingress (tag `ingress`): an httplog line with an SSL frontend and an address as server', () => {
  // https://github.com/jcmoraisjr/haproxy-ingress/pull/278 (the line as filebeat quoted it, unescaped)
  const d = ok(
    '<134>1 2019-01-07T13:35:02+00:00 haproxy-ingress-7d59695959-q5sjc ingress 44 - - 10.244.5.0:48548 [07/Jan/2019:13:35:02.165] httpfront-shared-frontend~ aaa-aaaa-web-staging-8000/10.244.13.99:8000 0/0/1/593/595 404 9085 - - ---- 4/2/1/1/0 0/0 "GET /health/ HTTP/1.1"',
  ).doc;
  assert.equal(get(d, 'haproxy.mode'), 'http');
  assert.equal(get(d, 'haproxy.server_name'), '10.244.13.99:8000');
  assert.equal(get(d, 'haproxy.session_end'), '2019-01-07T13:35:02.760Z');
  // https://github.com/jcmoraisjr/haproxy-ingress/issues/605: the poster removed the client address: no format fits
  const cut = parseHaproxyLine(
    '<134>1 2020-06-15T02:58:18+00:00 xxx.senado ingress 40 - - [15/Jun/2020:02:58:18.042] _front_http _default_backend/srv001 0/0/0/14/14 200 246 - - ---- 1/1/0/0/0 0/0 "POST /VirtualHostBase/https/www12.senado.leg.br:443/ecidadania/ajaxportaluser HTTP/1.1"',
    UTC,
  );
  assert.equal(cut.ok, false);
});

test('docker`s stderr: DOWN with reason and check info, no server left, health checks with rise/fall', () => {
  // https://github.com/haproxytech/kubernetes-ingress/issues/479
  const down = ok(
    '[WARNING]  (301) : Server solacescalable_default-default-8443-pub_8443/SRV_2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  ).doc;
  assert.equal(get(down, 'haproxy.server_state.state'), 'DOWN');
  assert.equal(get(down, 'haproxy.server_state.check_info'), 'Connection refused');
  assert.equal(get(down, 'haproxy.server_state.sessions_active'), 0);
  const none = ok(
    "[ALERT]    (301) : backend 'solacescalable_default-default-8443-pub_8443' has no server available!",
  ).doc;
  assert.equal(get(none, 'haproxy.message_type'), 'no_server');
  // https://github.com/haproxy/haproxy/issues/2101: a viewer's date in front of the stderr line
  const check = ok(
    '2023-04-04 15:54:43 [WARNING]  (8) : Health check for server csg-gateway/csggateway-app-1 failed, reason: Layer4 timeout, check duration: 2001ms, status: 0/2 DOWN.',
  ).doc;
  assert.equal(iso(check), '2023-04-04T15:54:43.000Z');
  assert.equal(get(check, 'haproxy.health_check.rise_fall'), '0/2');
  assert.equal(get(check, 'haproxy.health_check.check_duration_ms'), 2001);
});

test('a reload of 1.x: `Stopping frontend … in 0 ms` and `Proxy … stopped (FE: n conns, BE: n conns)`', () => {
  // https://github.com/haproxy/haproxy/issues/1114
  const ctx = at(2021, 2, 11);
  const stopping = ok(
    'Feb 11 15:29:39 shopblocks haproxy[32442]: [WARNING] 041/152939 (32521) : Stopping backend core in 0 ms.',
    ctx,
  ).doc;
  assert.deepEqual(get(stopping, 'haproxy.proxy_state'), {
    proxy: 'core',
    action: 'stopping',
    kind: 'backend',
    grace_ms: 0,
  });
  const stopped = ok('Feb 11 15:29:39 shopblocks haproxy[32521]: Proxy http stopped (FE: 0 conns, BE: 0 conns).', ctx);
  assert.equal(get(stopped.doc, 'haproxy.proxy_state.action'), 'stopped');
  assert.equal(iso(stopped.doc), '2021-02-11T15:29:39.000Z');
});

test('`log stdout` output: `<PRI>` + date + tag without host', () => {
  // https://github.com/haproxy/haproxy/issues/897 (the maintainer's run)
  const d = ok('<133>Oct 14 14:14:10 haproxy[10341]: Proxy my-frontend started.', at(2020, 10, 14));
  assert.deepEqual(get(d.doc, 'haproxy.proxy_state'), { proxy: 'my-frontend', action: 'started' });
  assert.equal(iso(d.doc), '2020-10-14T14:14:10.000Z');
});

test('shapes that are not HAProxy`s own formats stay unparsed with the reason, and a --log-format reads them', () => {
  // pc-freak.net/files/haproxy-logging.txt: the backend's source address after the client's, not tcplog
  const bs =
    'Nov 21 09:27:31 localhost haproxy[2169]: 217.232.135.126:43837 10.50.14.244:35693 [21/Nov/2012:09:27:24.304] ConCardisPL ConCardisPL/aflpve100210 1/1/6941 209 -- 0/0/0/0/0 0/0';
  const r = parseHaproxyLine(bs, at(2012, 11, 21));
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.issue.message, /log-format/);
  const fmt = compileLogFormat('%ci:%cp %bi:%bp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq', 'x');
  if ('error' in fmt) assert.fail(fmt.error);
  const withFmt = ok(bs, { ...at(2012, 11, 21), haproxyFormats: [fmt] }).doc;
  assert.equal(get(withFmt, 'haproxy.total_time_ms'), 6941);
  assert.equal(get(withFmt, 'haproxy.server_name'), 'aflpve100210');
  // https://github.com/haproxy/haproxy/issues/363: words of a DOWN line retyped by hand (no tag, a comma lost)
  const typed = parseHaproxyLine(
    'haproxy Server XXXXX is DOWN, reason: Layer4 timeout check duration: 10001ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    at(2019, 11, 15),
  );
  assert.equal(typed.ok, false);
});

test('socklog in inet mode: the proxy start and a `Connect from` record, host = the sender', () => {
  // a public OpenShift haproxy README ("a log enty looks like this", public source file id 7829400100);
  // docs/haproxy-logs.md §1.1 socklog
  const started = ok('10.1.4.1: local0.notice: Feb 28 10:08:54 haproxy[1]: Proxy http-in started.', at(2016, 3, 1));
  assert.deepEqual(get(started.doc, 'haproxy.proxy_state'), { proxy: 'http-in', action: 'started' });
  assert.equal(get(started.doc, 'host.hostname'), '10.1.4.1');
  assert.equal(iso(started.doc), '2016-02-28T10:08:54.000Z');
  const c = ok(
    '10.1.4.1: local0.info: Feb 28 10:11:40 haproxy[1]: Connect from 10.1.2.1:43700 to 10.1.4.77:8080 (http-in/HTTP)',
    at(2016, 3, 1),
  ).doc;
  assert.equal(get(c, 'haproxy.message_type'), 'connect');
  assert.equal(get(c, 'source.port'), 43700);
  assert.equal(get(c, 'haproxy.frontend_name'), 'http-in');
});

test('socklog through `svlogd -tt`: a DOWN line dated by svlogd, without a year to guess', () => {
  // the README's socklog line as svlogd -tt stores it (docs/haproxy-logs.md §1.1 socklog); no refTime given
  const d = ok(
    '2016-02-28_10:11:40.51234 10.1.4.1: local0.alert: Feb 28 10:11:40 haproxy[1]: Server google/s1 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  ).doc;
  assert.equal(get(d, 'haproxy.message_type'), 'server_state');
  assert.equal(iso(d), '2016-02-28T10:11:40.512Z');
  assert.equal(get(d, 'host.hostname'), '10.1.4.1');
});
