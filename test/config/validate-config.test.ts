import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateConfig, parseDuration } from '../../src/config/schema.js';
import { goneaway, ROOT } from '../cli/paths.js';

test('the bundled example config is valid', () => {
  const r = goneaway(['validate', '--no-env', '--config', path.join(ROOT, 'config/goneaway.example.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /valid/);
});

test('durations: units and plain milliseconds', () => {
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1.5m'), 90_000);
  assert.equal(parseDuration(250), 250);
  assert.equal(parseDuration('soon'), undefined);
});

test('every config error names the key, the value and the fix', () => {
  const r = validateConfig({ timezone: 'Mars/Olympus', correlate: { clock_skew: 'a bit' }, haproxy: { file: 'x' } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const byKey = new Map(r.problems.map((p) => [p.key, p]));
  assert.match(byKey.get('timezone')!.message, /fix:/);
  assert.equal(byKey.get('timezone')!.value, '"Mars/Olympus"');
  assert.match(byKey.get('correlate.clock_skew')!.message, /fix: write clock_skew/);
  assert.match(byKey.get('haproxy')!.message, /unknown key.*"file"/);
});

test('goneaway validate lists every problem and exits 1', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'goneaway-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'bad.yaml');
  writeFileSync(
    f,
    'timezone: Nowhere/Land\ncorrelate:\n  max_error_lag: forever\nmysql:\n  instances:\n    - server: replica1\n      error_log: /nonexistent/error.log\n',
  );
  const r = goneaway(['validate', '--config', f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /timezone = "Nowhere\/Land"/);
  assert.match(r.stderr, /correlate\.max_error_lag = "forever"/);
});

test('named log files must be readable', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'goneaway-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'files.yaml');
  writeFileSync(f, 'mysql:\n  instances:\n    - server: replica1\n      error_log: /nonexistent/error.log\n');
  const r = goneaway(['validate', '--config', f]);
  // 3: the file is valid, what it names is not (README "goneaway validate")
  assert.equal(r.code, 3);
  assert.match(r.stderr, /mysql\.instances\[0\]\.error_log\[0\].*no such file/);
});

test('app.files entries: a path, or { path, clients } with IP addresses', () => {
  assert.equal(
    validateConfig({
      app: { files: ['/var/log/app.log', { path: '/var/log/php.log', clients: ['10.0.1.11', 'fd00::7'] }] },
    }).ok,
    true,
  );
  const r = validateConfig({ app: { files: [{ path: '/var/log/php.log', clients: ['php-host-1'] }] } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const p = r.problems.find((x) => x.key.startsWith('app.files'))!;
  assert.ok(p, JSON.stringify(r.problems));
  assert.match(p.message, /fix:/);
});
