/**
 * The clock-offset pre-pass of `correlate` (src/correlate/clock-check.ts) on the bundled lab logs with their
 * stamps rewritten (zone-rewrite.ts): the common Debian case is HAProxy logged by rsyslog in RFC3339 (Debian
 * 12's default file format, https://www.rsyslog.com/doc/configuration/templates.html `RSYSLOG_FileFormat`),
 * MariaDB writing zone-less local time (https://mariadb.com/kb/en/general-query-log/: `YYMMDD HH:MM:SS`) and
 * a PHP app in UTC. Expected answers are never typed: a shifted run must give what the UTC original gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { goneaway } from './paths.js';
import { haproxyRfc3339, LAB, localStamps, rewrite, tmpDir, verdicts } from './zone-rewrite.js';

const dir = tmpDir();
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const berlin = (s: string): string => localStamps(s, 'Europe/Berlin');
const HA_RFC = rewrite(dir, 'haproxy.log', 'haproxy-rfc3339.log', (s) => haproxyRfc3339(s));
const HA_3164 = rewrite(dir, 'haproxy.log', 'haproxy-rfc3164.log');
const mysql = (how?: (s: string) => string, tag = ''): string[] =>
  ['replica1', 'replica2'].flatMap((r) => [
    '--mysql-error',
    `${r}=${rewrite(dir, `${r}-error.log`, `${r}${tag}-error.log`, how)}`,
    '--mysql-general',
    `${r}=${rewrite(dir, `${r}-general.log`, `${r}${tag}-general.log`, how)}`,
  ]);
const apps = ['php', 'node', 'python'].flatMap((a) => ['--app', path.join(LAB, `app-${a}.log`)]);
const cfg = ['--haproxy-config', path.join(LAB, 'haproxy.cfg'), '--format', 'json'];

const clockLines = (stderr: string): string[] => stderr.split('\n').filter((l) => /sampled events/.test(l));
const utcRun = goneaway(['correlate', '--haproxy', HA_RFC, ...mysql(undefined, '-utc'), ...apps, ...cfg]);

test('a MariaDB general and error log in Europe/Berlin next to UTC RFC3339 HAProxy lines is shifted with a note and joins as the UTC original', () => {
  assert.equal(utcRun.code, 0, utcRun.stderr);
  const r = goneaway(['correlate', '--haproxy', HA_RFC, ...mysql(berlin, '-berlin'), ...apps, ...cfg]);
  assert.equal(r.code, 0, r.stderr);
  const notes = clockLines(r.stderr);
  assert.equal(notes.length, 4, r.stderr);
  for (const n of notes) assert.match(n, /^goneaway: note: .*moved by -01:00 .*read as written in \+01:00/);
  assert.ok(verdicts(utcRun.stdout).length > 0);
  assert.deepEqual(verdicts(r.stdout), verdicts(utcRun.stdout));
});

test('a log already in HAProxy’s zone is left alone with no message', () => {
  assert.deepEqual(clockLines(utcRun.stderr), []);
  assert.doesNotMatch(utcRun.stderr, /warning|note/);
});

test('without zoned syslog stamps on the HAProxy side the offset is only warned about, with the fix', () => {
  const r = goneaway(['correlate', '--haproxy', HA_3164, ...mysql(berlin, '-berlin'), ...apps, ...cfg]);
  assert.equal(r.code, 0, r.stderr);
  const w = clockLines(r.stderr);
  assert.equal(w.length, 4, r.stderr);
  for (const l of w) {
    assert.match(l, /^goneaway: warning: .*moved by -01:00 .*no zoned syslog stamps/);
    assert.match(l, /--timezone .*replica\d-berlin-(error|general)\.log=ZONE/);
  }
  // not moved: the verdicts are not those of the right reading
  assert.notDeepEqual(verdicts(r.stdout), verdicts(utcRun.stdout));
});

test('an offset that another explains as well is ambiguous: warned about, not shifted', () => {
  // the same sessions a second time, two hours later (stamps and accept dates): +1 h and -1 h fit alike
  const text = readFileSync(HA_RFC, 'utf8');
  const twice = path.join(dir, 'haproxy-twice.log');
  writeFileSync(twice, text + haproxyRfc3339(readFileSync(path.join(LAB, 'haproxy.log'), 'utf8'), 'UTC', 7_200_000));
  const r = goneaway(['correlate', '--haproxy', twice, ...mysql(berlin, '-berlin'), ...cfg]);
  assert.equal(r.code, 0, r.stderr);
  const w = clockLines(r.stderr);
  assert.equal(w.length, 4, r.stderr);
  for (const l of w) {
    assert.match(l, /^goneaway: warning: .*moved by any of -01:00, \+01:00 \(2 fit alike\)/);
    assert.match(l, /not moved: the offset is not clear-cut\. Name the MySQL host's zone with --timezone \S+=ZONE/);
  }
});

test('a log that meets HAProxy as read and moved alike is said to be unconfirmed, not passed over in silence', () => {
  // the same sessions a second time, two hours later: the UTC MySQL logs fit as read and moved by +2 h alike
  const twice = path.join(dir, 'haproxy-twice-utc.log');
  writeFileSync(
    twice,
    readFileSync(HA_RFC, 'utf8') +
      haproxyRfc3339(readFileSync(path.join(LAB, 'haproxy.log'), 'utf8'), 'UTC', 7_200_000),
  );
  const args = ['correlate', '--haproxy', twice, ...mysql(undefined, '-utc'), ...cfg];
  const r = goneaway(args);
  assert.equal(r.code, 0, r.stderr);
  const notes = clockLines(r.stderr);
  assert.equal(notes.length, 4, r.stderr);
  for (const l of notes) {
    assert.match(l, /^goneaway: note: .*cannot tell MySQL's zone: .*moved by any of \+00:00, \+02:00 \(2 fit alike\)/);
    assert.match(
      l,
      /read in UTC, the machine's zone\. If the MySQL host's clock reads another, pass --timezone \S+=ZONE/,
    );
  }
  // a zone the user named is their word: nothing to confirm
  const named = goneaway([...args, '--timezone', 'UTC']);
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(clockLines(named.stderr), []);
});

test('a zone given for that very file is kept, and warned about when HAProxy disagrees', () => {
  const args = mysql(berlin, '-berlin');
  const general1 = args[3]!.slice('replica1='.length);
  const r = goneaway(['correlate', '--haproxy', HA_RFC, '--timezone', `${general1}=UTC`, ...args, ...cfg]);
  assert.equal(r.code, 0, r.stderr);
  const lines = clockLines(r.stderr);
  assert.equal(lines.filter((l) => l.includes('replica1-berlin-general.log')).length, 1);
  assert.match(
    lines.find((l) => l.includes('replica1-berlin-general.log'))!,
    /warning: .*a zone was given for this file/,
  );
  assert.equal(lines.filter((l) => /note: /.test(l)).length, 3);
});
