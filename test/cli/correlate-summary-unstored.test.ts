/**
 * The run's summary says how many normal closes it counted and did not keep: with no app log and no MySQL log of
 * their server, nothing could refer to them (src/correlate/settings.ts unseenServers), and the window drops them.
 * The count was kept by the Correlator (`unstored`) and reported nowhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { goneaway, ROOT } from './paths.js';

const D = path.join(ROOT, 'examples/lab/13_mixed');
/** the normal closes of a tcplog file: termination state `--` (the field after the bytes read) */
const normalCloses = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => / \d+ -- \d+\/\d+\/\d+\/\d+\/\d+ /.test(l)).length;

test("an HAProxy-only run's summary counts the normal closes it did not keep", () => {
  const file = `${D}/haproxy.log`;
  const n = normalCloses(file);
  assert.ok(n > 0, 'the lab has normal closes');
  const r = goneaway(['correlate', '--haproxy', file, '--format', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`, ${n} normal close\\(s\\) on servers no MySQL log names counted, not kept\\n`));
});

test('with app logs every session is kept, and the summary says nothing of it', () => {
  const r = goneaway(['correlate', '--haproxy', `${D}/haproxy.log`, '--app', `${D}/app-php.log`, '--format', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /app error\(s\) explained/);
  assert.doesNotMatch(r.stderr, /not kept/);
});
