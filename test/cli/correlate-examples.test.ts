import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { goneaway, ROOT } from './paths.js';

const D = path.join(ROOT, 'examples/lab/13_mixed');
const base = ['correlate', '--haproxy', `${D}/haproxy.log`, '--haproxy-config', `${D}/haproxy.cfg`];

test('correlate without app logs still reports every abnormal closure as a connection event', () => {
  const r = goneaway([
    ...base,
    '--mysql-error',
    `replica1=${D}/replica1-error.log`,
    '--mysql-error',
    `replica2=${D}/replica2-error.log`,
    '--mysql-general',
    `replica1=${D}/replica1-general.log`,
    '--mysql-general',
    `replica2=${D}/replica2-general.log`,
    '--format',
    'json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    summary: { app_errors: number; connections: number };
    events: Array<{ goneaway: { kind: string; cause: string } }>;
  };
  assert.equal(out.summary.app_errors, 0);
  assert.ok(out.summary.connections > 0);
  assert.ok(out.events.every((e) => e.goneaway.kind === 'connection'));
  assert.match(r.stderr, /no --app log given/);
});

test('a MySQL log named after no HAProxy server is warned about', () => {
  const r = goneaway([...base, '--mysql-error', `db1=${D}/replica1-error.log`, '--format', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /MySQL instance "db1" is not an HAProxy server.*replica1/);
});

test('html report of the bundled logs is one self-contained page', () => {
  const r = goneaway([...base, '--app', `${D}/app-php.log`, '--format', 'html']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^<!doctype html>/i);
  assert.doesNotMatch(r.stdout, /<script[^>]+src=|<link[^>]+href="http/i);
});
