import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvelope } from '../../../parsers/syslog.js';

const P = '10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0';

test('rfc3164 with host, space-padded day (rsyslog traditional file format)', () => {
  const e = parseEnvelope(`Feb  6 12:12:56 localhost haproxy[14387]: ${P}`);
  assert.equal(e.format, 'rfc3164');
  assert.equal(e.host, 'localhost');
  assert.equal(e.program, 'haproxy');
  assert.equal(e.pid, 14387);
  assert.deepEqual(e.date, { month: 2, day: 6, h: 12, mi: 12, s: 56 });
  assert.equal(e.t, undefined, 'no year, no zone: the envelope alone cannot be placed');
  assert.equal(e.payload, P);
  assert.equal(e.payloadStart, `Feb  6 12:12:56 localhost haproxy[14387]: `.length);
});

test('rfc3164 two-digit day and the minute memo does not leak between lines', () => {
  const a = parseEnvelope(`Feb 16 12:12:56 h haproxy[1]: ${P}`);
  const b = parseEnvelope(`Feb 16 12:12:57 h haproxy[1]: ${P}`);
  const c = parseEnvelope(`Mar 16 12:12:57 h haproxy[1]: ${P}`);
  assert.deepEqual([a.date?.s, b.date?.s, c.date?.month, c.date?.day], [56, 57, 3, 16]);
});

test('<PRI> and no host (HAProxy local format, pfelk#398)', () => {
  const e = parseEnvelope(`<131>Jan 24 15:01:44 haproxy[60972]: ${P}`);
  assert.equal(e.format, 'rfc3164');
  assert.equal(e.pri, 131);
  assert.equal(e.host, undefined);
  assert.equal(e.program, 'haproxy');
  assert.equal(e.pid, 60972);
  assert.equal(e.payload, P);
});

test("host '-' and IP hosts are hosts", () => {
  assert.equal(parseEnvelope(`Feb 01 18:34:10 - haproxy[42471]: ${P}`).host, '-');
  assert.equal(parseEnvelope(`Sep 20 15:44:23 127.0.0.1 haproxy[25457]: ${P}`).host, '127.0.0.1');
});

test('rsyslog RFC3339 (Debian 12 default) gives a complete time', () => {
  const e = parseEnvelope(`2026-11-23T20:21:24.123456+00:00 db-lb-01 haproxy[3968]: ${P}`);
  assert.equal(e.format, 'rfc3339');
  assert.equal(e.t, Date.UTC(2026, 10, 23, 20, 21, 24, 123));
  assert.equal(e.host, 'db-lb-01');
  assert.equal(e.pid, 3968);
  assert.equal(e.payload, P);
  const plus = parseEnvelope(`2021-12-15T16:55:18+01:00 host.example.com haproxy[20560]: ${P}`);
  assert.equal(plus.t, Date.UTC(2021, 11, 15, 15, 55, 18));
});

test('journald short-iso (offset without colon)', () => {
  const e = parseEnvelope(`2026-11-23T20:21:24+0100 db-lb-01 haproxy[3968]: ${P}`);
  assert.equal(e.format, 'short-iso');
  assert.equal(e.t, Date.UTC(2026, 10, 23, 19, 21, 24));
});

test('journald short-precise keeps the fraction as ms', () => {
  const e = parseEnvelope(`Nov 23 20:21:24.123456 db-lb-01 haproxy[3968]: ${P}`);
  assert.equal(e.date?.ms, 123);
  assert.equal(e.payload, P);
});

test('zone-less ISO date is returned as parts with the year', () => {
  const e = parseEnvelope(`2019-10-16 17:24:15 lb haproxy[7]: ${P}`);
  assert.equal(e.t, undefined);
  assert.deepEqual(e.date, { year: 2019, month: 10, day: 16, h: 17, mi: 24, s: 15, ms: 0 });
  assert.equal(e.payload, P);
});

test('RFC5424 (haproxy-ingress#605)', () => {
  const e = parseEnvelope(`<134>1 2020-06-15T02:58:18+00:00 xxx.senado ingress 40 - - ${P}`);
  assert.equal(e.format, 'rfc5424');
  assert.equal(e.pri, 134);
  assert.equal(e.t, Date.UTC(2020, 5, 15, 2, 58, 18));
  assert.equal(e.host, 'xxx.senado');
  assert.equal(e.program, 'ingress');
  assert.equal(e.pid, 40);
  assert.equal(e.payload, P);
});

test('RFC5424 with structured data containing an escaped bracket', () => {
  const e = parseEnvelope(`<134>1 2020-06-15T02:58:18Z h haproxy 1 - [ex@1 a="x\\]y"][b@2] ${P}`);
  assert.equal(e.payload, P);
});

test('bare program[pid]: (journald cat, integrations#6605)', () => {
  const e = parseEnvelope(`haproxy[14387]: ${P}`);
  assert.equal(e.format, 'program');
  assert.equal(e.program, 'haproxy');
  assert.equal(e.payload, P);
});

test('no envelope (log stdout format raw)', () => {
  const e = parseEnvelope(P);
  assert.equal(e.format, 'none');
  assert.equal(e.payload, P);
  assert.equal(e.payloadStart, 0);
  const err = parseEnvelope('127.0.0.1:56059 [03/Dec/2012:17:35:10.380] frt/f1: Connection error during SSL handshake');
  assert.equal(err.format, 'none', "the error log's `frt/f1:` is not a syslog tag");
});

test('HAProxy `iso` format: date then payload, no host, no tag', () => {
  const e = parseEnvelope(`2026-11-23T20:21:24+00:00 ${P}`);
  assert.equal(e.host, undefined);
  assert.equal(e.payload, P);
});

test('non-haproxy programs are reported as such', () => {
  const e = parseEnvelope('Nov 23 20:28:00 db-lb-01 sshd[812]: Accepted publickey for admin');
  assert.equal(e.program, 'sshd');
  assert.equal(e.payload, 'Accepted publickey for admin');
});

test('garbage does not throw and keeps the line as payload', () => {
  for (const s of ['', '<', '<999>x', 'Feb', 'Feb 30 99:99:99 x', '2026-13-40T99:00:00Z a b: c', '\u0000\uffff']) {
    const e = parseEnvelope(s);
    assert.equal(typeof e.payload, 'string');
  }
});

test('journalctl -o short-full: weekday, date, time and zone; UTC is an instant, CET is a wall clock', () => {
  const u = parseEnvelope(`Wed 2026-11-25 01:25:02 UTC lb1 haproxy[123]: ${P}`);
  assert.equal(u.t, Date.UTC(2026, 10, 25, 1, 25, 2));
  assert.deepEqual([u.host, u.program, u.pid, u.payload], ['lb1', 'haproxy', 123, P]);
  const c = parseEnvelope(`Wed 2026-11-25 02:25:02 CET lb1 haproxy[123]: ${P}`);
  assert.equal(c.t, undefined);
  assert.deepEqual(c.date, { year: 2026, month: 11, day: 25, h: 2, mi: 25, s: 2, ms: 0 });
  const o = parseEnvelope(`Wed 2026-11-25 02:25:02 +0100 lb1 haproxy[123]: ${P}`);
  assert.equal(o.t, Date.UTC(2026, 10, 25, 1, 25, 2));
});

test("socklog's `facility.level: ` prefix stands for the PRI; in inet mode the sender's address is the host", () => {
  // socklog(8) https://manpages.org/socklog/8; real lines from a public OpenShift haproxy README (source file id
  // 7829400100): docs/haproxy-logs.md §1.1
  const inet = parseEnvelope('10.1.4.1: local0.notice: Feb 28 10:08:54 haproxy[1]: Proxy http-in started.');
  assert.equal(inet.host, '10.1.4.1');
  assert.equal(inet.pri, 16 * 8 + 5);
  assert.equal(inet.program, 'haproxy');
  assert.equal(inet.pid, 1);
  assert.deepEqual(inet.date, { month: 2, day: 28, h: 10, mi: 8, s: 54 });
  assert.equal(inet.payload, 'Proxy http-in started.');
  const local = parseEnvelope(`local0.info: Feb 28 10:11:40 haproxy[1]: ${P}`);
  assert.equal(local.host, undefined);
  assert.equal(local.pri, 16 * 8 + 6);
  assert.equal(local.program, 'haproxy');
  assert.equal(local.payload, P);
  // the same host/tag run on the next line (the scan's memo) keeps socklog's host
  assert.equal(parseEnvelope(`10.1.4.1: local0.info: Feb 28 10:11:41 haproxy[1]: ${P}`).host, '10.1.4.1');
  // a word that is not a facility.level is a program, as before
  assert.equal(parseEnvelope(`foo.bar: ${P}`).program, 'foo.bar');
});

test("svlogd's UTC stamp before socklog's prefix (-tt and -ttt) is the line's instant", () => {
  // svlogd(8) https://linuxcommandlibrary.com/man/svlogd: -tt `YYYY-MM-DD_HH:MM:SS.xxxxx`, -ttt with `T`, UTC
  for (const stamp of ['2016-02-28_10:08:54.12345', '2016-02-28T10:08:54.12345']) {
    const e = parseEnvelope(`${stamp} 10.1.4.1: local0.notice: Feb 28 10:08:54 haproxy[1]: Proxy http-in started.`);
    assert.equal(e.t, Date.UTC(2016, 1, 28, 10, 8, 54, 123), stamp);
    assert.equal(e.host, '10.1.4.1');
    assert.equal(e.program, 'haproxy');
    assert.equal(e.payload, 'Proxy http-in started.');
  }
  // rsyslog's RFC3339 stamp with a fraction is not svlogd's
  const r = parseEnvelope(`2026-11-23T20:21:24.123456+00:00 db-lb-01 haproxy[3968]: ${P}`);
  assert.equal(r.format, 'rfc3339');
  assert.equal(r.host, 'db-lb-01');
});
