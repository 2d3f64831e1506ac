/** `--elasticsearch` and `setup`: wrong combinations stop at once with a coded one-line error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { goneaway, ROOT } from './paths.js';

const log = path.join(ROOT, 'examples/lab/01_haproxy_timeout_client/haproxy.log');

test('--elasticsearch with --format or --out is refused: indexed events are not printed', () => {
  for (const extra of [
    ['--format', 'json'],
    ['--out', '/tmp/x.ndjson'],
  ]) {
    const r = goneaway(['parse', log, '--elasticsearch', 'http://127.0.0.1:9', ...extra]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /GA_ERR_ARGUMENT: --elasticsearch indexes the events: --format\/--out print them/);
    assert.equal(r.stdout, '');
  }
});

test('--elasticsearch that is not a URL is refused, and credentials written in it are not echoed', () => {
  const r = goneaway(['correlate', '--haproxy', log, '--elasticsearch', 'es1:9200']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /GA_ERR_ARGUMENT: .*is not a URL/);
  const s = goneaway(['parse', log, '--elasticsearch', 'http://elastic:hunter2@127.0.0.1:9', '--format', 'json']);
  assert.ok(!s.stderr.includes('hunter2'), s.stderr);
});

test('setup without a cluster says how to name one', () => {
  const r = goneaway(['setup']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /GA_ERR_ARGUMENT: no Elasticsearch to set up .*fix: give --elasticsearch/);
});
