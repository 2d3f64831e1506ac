/**
 * `goneaway parse -` reads standard input and a FIFO / `<(…)` is read like a file: kinds are still
 * sniffed, byte offsets are those of the stream, and records name the input as given ("stdin").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, goneaway } from './paths.js';

const HAPROXY =
  [
    'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0',
    'this line is not HAProxy',
    'Nov 23 20:21:25 db-lb-01 haproxy[3968]: 127.0.0.1:47066 [23/Nov/2026:20:21:22.000] mysql_ro mariadb_replicas/replica2 1/0/3000 10 SD 8/8/7/4/0 0/0',
  ].join('\n') + '\n';

test('parse - : stdin is sniffed, parsed with stream offsets, and named "stdin"', () => {
  const r = goneaway(['parse', '--format', 'ndjson', '--timezone', 'UTC', '-'], HAPROXY);
  assert.equal(r.code, 0, r.stderr);
  const docs = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { goneaway: { kind: string }; log: { file: { path: string }; offset: number } });
  assert.deepEqual(
    docs.map((d) => d.goneaway.kind),
    ['haproxy', 'unparsed', 'haproxy'],
  );
  assert.deepEqual(
    docs.map((d) => d.log.offset),
    [0, HAPROXY.indexOf('this line'), HAPROXY.indexOf('Nov 23 20:21:25')],
  );
  assert.ok(docs.every((d) => d.log.file.path === 'stdin'));
  assert.match(r.stderr, /stdin \(haproxy\): 3 records/);
});

test('a FIFO is read like a file (what `<(journalctl …)` gives)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-fifo-'));
  try {
    const fifo = path.join(dir, 'in.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // a shell writes the FIFO while goneaway reads it
    const r = spawnSync(
      'bash',
      [
        '-c',
        `printf '%s' "$1" > "$2" & exec "$3" "$4" parse --format ndjson --timezone UTC "$2"`,
        '_',
        HAPROXY,
        fifo,
        process.execPath,
        BIN,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const docs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { log: { file: { path: string } } });
    assert.equal(docs.length, 3);
    assert.equal(docs[0]!.log.file.path, fifo);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('standard input named twice is refused with a one-line reason', () => {
  const r = goneaway(['parse', '-', '-'], HAPROXY);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /GA_ERR_ARGUMENT.*standard input/);
});
