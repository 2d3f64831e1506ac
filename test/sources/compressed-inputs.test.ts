/**
 * Incident logs are often rotated and compressed (logrotate's `compress`: haproxy.log.2.gz). A
 * compressed file is told by its magic bytes, not its name, and read as its text; a truncated archive
 * keeps the text before the damage with a warning; a corrupt one fails with a one-line reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { goneaway } from '../cli/paths.js';

const LINES =
  Array.from(
    { length: 400 },
    (_, i) =>
      `Nov 23 20:27:${String(i % 60).padStart(2, '0')} db-lb-01 haproxy[6497]: 10.0.0.${i % 250}:${40000 + i} [23/Nov/2026:20:27:25.948] mysql_ro mariadb_replicas/replica1 0/0/5017 176 cD 1/1/0/0/0 0/0`,
  ).join('\n') + '\n';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-gz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const records = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as { haproxy?: { termination_state?: string }; log: { file: { path: string }; offset: number } },
    );

test('a gzip file (whatever its name) parses like its text, under its own name', (t) => {
  const dir = scratch(t);
  const plain = path.join(dir, 'haproxy.log');
  const gz = path.join(dir, 'haproxy.log.1'); // logrotate's delaycompress names do not say gz
  writeFileSync(plain, LINES);
  writeFileSync(gz, gzipSync(LINES));
  const a = goneaway(['parse', '--format', 'ndjson', plain]);
  const b = goneaway(['parse', '--format', 'ndjson', gz]);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /haproxy\.log\.1 \(haproxy\): 400 records: haproxy 400/);
  const ra = records(a.stdout),
    rb = records(b.stdout);
  assert.equal(rb.length, 400);
  assert.ok(rb.every((r) => r.log.file.path === gz && r.haproxy?.termination_state === 'cD'));
  // offsets count bytes of the decompressed text
  assert.deepEqual(
    rb.map((r) => r.log.offset),
    ra.map((r) => r.log.offset),
  );
  // and from standard input
  const c = goneaway(['parse', '--format', 'ndjson', '-'], gzipSync(LINES) as unknown as string);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(records(c.stdout).length, 400);
});

test('a truncated gzip keeps the text before the damage, with a warning', (t) => {
  const dir = scratch(t);
  const gz = path.join(dir, 'haproxy.log.2.gz');
  const whole = gzipSync(LINES);
  writeFileSync(gz, whole.subarray(0, Math.floor(whole.length / 2)));
  const r = goneaway(['parse', '--format', 'ndjson', gz]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /warning: .*haproxy\.log\.2\.gz: `gzip -dc`: .*unexpected end of file; reading the \d+ bytes decompressed before it/,
  );
  const n = records(r.stdout).length;
  assert.ok(n > 0 && n <= 400, `${n} records`);
});

test('a corrupt bzip2 file fails with a one-line reason and a fix', (t) => {
  const dir = scratch(t);
  const bad = path.join(dir, 'mysql.log.bz2');
  writeFileSync(bad, 'BZh9 this is not bzip2 data');
  const r = goneaway(['parse', bad]);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /GA_ERR_FILE_UNREADABLE: cannot read .*mysql\.log\.bz2: bzip2-compressed, and `bzip2 -dc` (failed|is not installed)/,
  );
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
