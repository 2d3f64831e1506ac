/**
 * Year-less syslog dates (RFC 3164 `Mar 12 10:38:59`) take their year from the nearest record that has
 * one — also when that record comes after them. HAProxy's `Proxy … started.` lines come before the
 * first traffic line, whose accept date has a year; a file copied or touched years later must not put
 * them in the year of its mtime (docs/parsing-pitfalls.md #3: https://github.com/elastic/beats/issues/9995).
 * Facts: docs/formats/syslog-year.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goneaway } from '../cli/paths.js';

function parseFileWithMtime(text: string, mtime: Date, kind = 'auto'): Array<{ '@timestamp'?: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ga-year-'));
  const f = path.join(dir, 'log');
  fs.writeFileSync(f, text);
  fs.utimesSync(f, mtime, mtime);
  const r = goneaway(['parse', '--kind', kind, '--timezone', 'UTC', '--format', 'ndjson', f]);
  fs.rmSync(dir, { recursive: true });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { '@timestamp'?: string });
}

const LATER = new Date('2026-12-01T00:00:00Z');

test('HAProxy: start-up lines before the first traffic line take the year of its accept date, not the mtime', () => {
  const log = [
    'Mar 12 10:38:59 lb1 haproxy[812]: Proxy mysql_ro started.',
    'Mar 12 10:38:59 lb1 haproxy[812]: Proxy stats started.',
    'Mar 12 10:39:05 lb1 haproxy[812]: 10.0.1.5:51234 [12/Mar/2023:10:39:00.123] mysql_ro mariadb_replicas/replica1 1/0/5001 1234 cD 6/4/5/2/0 0/0',
    'Mar 12 10:40:00 lb1 haproxy[812]: Proxy mysql_ro stopped (cumulated conns: FE: 1, BE: 0).',
  ].join('\n');
  const docs = parseFileWithMtime(log + '\n', LATER, 'haproxy');
  assert.deepEqual(
    docs.map((d) => d['@timestamp']),
    ['2023-03-12T10:38:59.000Z', '2023-03-12T10:38:59.000Z', '2023-03-12T10:39:00.123Z', '2023-03-12T10:40:00.000Z'],
  );
});

test('MySQL error log from syslog: undated lines before the first server-dated one take its year', () => {
  const log = [
    'Mar 12 10:38:00 db1 mysqld[812]: [Note] mysqld: ready for connections.',
    "Mar 12 10:40:00 db1 mariadbd[812]: 2023-03-12 10:40:00 57 [Warning] Aborted connection 57 to db: 'shop' user: 'app' host: '10.0.0.3' (Got timeout reading communication packets)",
  ].join('\n');
  const docs = parseFileWithMtime(log + '\n', LATER, 'mysql_error');
  assert.deepEqual(
    docs.map((d) => d['@timestamp']),
    ['2023-03-12T10:38:00.000Z', '2023-03-12T10:40:00.000Z'],
  );
});

test('with no dated record at all, the mtime still bounds the year (a March line in a December file)', () => {
  const docs = parseFileWithMtime('Mar 12 10:38:59 lb1 haproxy[812]: Proxy mysql_ro started.\n', LATER, 'haproxy');
  assert.equal(docs[0]!['@timestamp'], '2026-03-12T10:38:59.000Z');
});
