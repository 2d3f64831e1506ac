/**
 * A wrong --timezone shifts HAProxy's zone-less dates against every zoned source without any other
 * symptom. An RFC3339 syslog envelope (Debian 12's rsyslog default) tells the HAProxy host's offset:
 * correlate warns when the zone given disagrees with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zoneWarning, checkStampZone, offsetText } from '../../src/sources/zone-check.js';
import { makeZone } from '../../parsers/zones.js';
import { goneaway } from '../cli/paths.js';

/** HAProxy on a host at UTC+01:00: `[%t]` local, the envelope with its offset, written at accept + Tt */
function lines(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const acceptLocal = `23/Nov/2026:21:${String(10 + i).padStart(2, '0')}:00.000`; // 20:1x:00Z
    const endLocal = `2026-11-23T21:${String(10 + i).padStart(2, '0')}:03.000000+01:00`;
    out.push(
      `${endLocal} db-lb-01 haproxy[3968]: 10.0.0.${i}:4${i}000 [${acceptLocal}] mysql_ro mariadb_replicas/replica1 0/0/3000 10 cD 1/1/1/1/0 0/0`,
    );
  }
  return out.join('\n') + '\n';
}

test("the HAProxy host's offset is read from RFC3339 stamps; the right zone gives no warning", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-zone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'haproxy.log');
  writeFileSync(f, lines(20));
  // measured on the dates as the zone reads them, whether or not the zone was given
  for (const zoneGiven of [true, false]) {
    const utc = checkStampZone(f, { zone: makeZone('UTC'), zoneGiven });
    assert.equal(utc.samples, 20);
    assert.equal(offsetText(utc.offsetMs), '-01:00');
  }
  assert.match(zoneWarning(f, { zone: makeZone('UTC'), zoneGiven: true }) ?? '', /^warning: .*zone is UTC \+01:00/);
  // not given: the parser placed the dates with the stamps' offset, and the notice says so
  assert.match(
    zoneWarning(f, { zone: makeZone('UTC') }) ?? '',
    /^note: .*placed with their syslog stamps' offset \(UTC \+01:00/,
  );
  assert.equal(zoneWarning(f, { zone: makeZone('+01:00'), zoneGiven: true }), undefined);
  assert.equal(zoneWarning(f, { zone: makeZone('Europe/Paris'), zoneGiven: true }), undefined);
});

test('httplog dates are checked too: their placement is never silent', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-zone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'http.log');
  writeFileSync(
    f,
    lines(10).replace(
      /0\/0\/3000 10 cD 1\/1\/1\/1\/0 0\/0/g,
      '0/0/0/5/3000 500 176 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"',
    ),
  );
  assert.match(zoneWarning(f, { zone: makeZone('UTC') }) ?? '', /^note: .*\(UTC \+01:00, median of 10 lines\)/);
});

test('correlate prints the warning; logs without zoned stamps say nothing', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-zone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'haproxy.log');
  writeFileSync(f, lines(20));
  const r = goneaway(['correlate', '--haproxy', f, '--timezone', 'UTC', '--format', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*haproxy\.log: HAProxy's dates read in UTC are -01:00 off/);
  const plain = path.join(dir, 'plain.log');
  writeFileSync(plain, lines(20).replace(/^\S+ /gm, 'Nov 23 21:10:03 '));
  const q = goneaway(['correlate', '--haproxy', plain, '--timezone', 'UTC', '--format', 'ndjson']);
  assert.equal(q.code, 0, q.stderr);
  assert.doesNotMatch(q.stderr, /warning/);
});

test("without --timezone, correlate and parse place the dates with the stamps' offset and print a note", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-zone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'haproxy.log');
  writeFileSync(f, lines(20));
  const r = goneaway(['correlate', '--haproxy', f, '--format', 'ndjson']); // TZ=UTC machine
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: .*haproxy\.log: HAProxy's zone-less dates placed with their syslog stamps' offset/);
  assert.doesNotMatch(r.stderr, /warning/);
  const p = goneaway(['parse', '--format', 'ndjson', f]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stderr, /note: .*placed with their syslog stamps' offset/);
  const first = JSON.parse(p.stdout.split('\n')[0]!);
  assert.equal(first['@timestamp'], '2026-11-23T20:10:00.000Z');
  const given = goneaway(['parse', '--format', 'ndjson', '--timezone', 'UTC', f]);
  assert.equal(JSON.parse(given.stdout.split('\n')[0]!)['@timestamp'], '2026-11-23T21:10:00.000Z');
  assert.match(given.stderr, /warning: /);
});
