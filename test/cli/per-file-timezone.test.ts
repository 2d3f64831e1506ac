/**
 * One zone per input (src/cli/zones.ts): `--timezone FILE=ZONE` and the config keys `haproxy.timezone`,
 * `mysql.instances[].timezone`, `app.files[].timezone`, in `parse` and `correlate`. Inputs are the lab logs
 * with their stamps rewritten to another zone (zone-rewrite.ts): read in that zone they must give the
 * original's times, read in UTC they must not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { goneaway } from './paths.js';
import { haproxyRfc3339, LAB, localStamps, rewrite, tmpDir, verdicts } from './zone-rewrite.js';
import { validateConfig } from '../../src/config/schema.js';

const dir = tmpDir();
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const berlin = (s: string): string => localStamps(s, 'Europe/Berlin');
const ERR_UTC = rewrite(dir, 'replica1-error.log', 'error-utc.log');
const ERR_BERLIN = rewrite(dir, 'replica1-error.log', 'error-berlin.log', berlin);
const PY_BERLIN = rewrite(dir, 'app-python.log', 'python-berlin.log', berlin);
const HA_BERLIN = rewrite(dir, 'haproxy.log', 'haproxy-berlin.log', (s) => haproxyRfc3339(s, 'Europe/Berlin'));

/** the @timestamps a parse run gives, per file */
function stamps(args: string[]): Map<string, string[]> {
  const r = goneaway(['parse', '--format', 'ndjson', ...args]);
  assert.equal(r.code, 0, r.stderr);
  const by = new Map<string, string[]>();
  for (const l of r.stdout.trim().split('\n')) {
    const d = JSON.parse(l) as { '@timestamp'?: string; log: { file: { path: string } } };
    const f = path.basename(d.log.file.path);
    by.set(f, [...(by.get(f) ?? []), d['@timestamp'] ?? '-']);
  }
  return by;
}

function config(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('parse: --timezone FILE=ZONE reads that file in its zone and the others in the zone for all', () => {
  const both = stamps(['--timezone', 'UTC', '--timezone', `${ERR_BERLIN}=Europe/Berlin`, ERR_UTC, ERR_BERLIN]);
  assert.ok(both.get('error-utc.log')!.length > 10);
  assert.deepEqual(both.get('error-berlin.log'), both.get('error-utc.log'));
  // without the per-file zone the Berlin file is an hour late: the check above can fail
  const plain = stamps(['--timezone', 'UTC', ERR_UTC, ERR_BERLIN]);
  assert.notDeepEqual(plain.get('error-berlin.log'), plain.get('error-utc.log'));
});

test('parse: mysql.instances[].timezone and app.files[].timezone apply to the files they name', () => {
  const cfg = config(
    'inputs.yaml',
    [
      'timezone: UTC',
      'mysql:',
      '  instances:',
      `    - { server: replica1, error_log: ${JSON.stringify(ERR_BERLIN)}, timezone: Europe/Berlin }`,
      'app:',
      `  files: [{ path: ${JSON.stringify(PY_BERLIN)}, timezone: Europe/Berlin }]`,
      '',
    ].join('\n'),
  );
  const got = stamps(['--config', cfg, ERR_BERLIN, PY_BERLIN, ERR_UTC, path.join(LAB, 'app-python.log')]);
  assert.ok(got.get('python-berlin.log')!.length > 3);
  assert.deepEqual(got.get('error-berlin.log'), got.get('error-utc.log'));
  assert.deepEqual(got.get('python-berlin.log'), got.get('app-python.log'));
});

test('haproxy.timezone names the HAProxy host’s zone: kept, and warned about when its RFC3339 stamps disagree', () => {
  const right = goneaway([
    'parse',
    '--format',
    'ndjson',
    '--config',
    config('ha-berlin.yaml', 'timezone: UTC\nhaproxy: { timezone: Europe/Berlin }\n'),
    HA_BERLIN,
  ]);
  assert.equal(right.code, 0, right.stderr);
  assert.doesNotMatch(right.stderr, /warning/);
  const wrong = goneaway([
    'parse',
    '--format',
    'ndjson',
    '--config',
    config('ha-utc.yaml', 'timezone: Europe/Berlin\nhaproxy: { timezone: UTC }\n'),
    HA_BERLIN,
  ]);
  assert.equal(wrong.code, 0, wrong.stderr);
  assert.match(
    wrong.stderr,
    /warning: \S*haproxy-berlin\.log: HAProxy's dates read in UTC are -01:00 off.*--timezone \S+=ZONE/,
  );
  // the accept dates follow the zone each run gave
  const accept = (out: string): string => (JSON.parse(out.split('\n')[0]!) as { '@timestamp': string })['@timestamp'];
  assert.equal(Date.parse(accept(wrong.stdout)) - Date.parse(accept(right.stdout)), 3_600_000);
});

test('correlate: a Berlin MariaDB named in the config joins as the UTC original, with no clock message', () => {
  const cfg = config(
    'correlate.yaml',
    [
      'mysql:',
      '  instances:',
      `    - { server: replica1, error_log: ${JSON.stringify(ERR_BERLIN)}, timezone: Europe/Berlin }`,
      '',
    ].join('\n'),
  );
  const ha = ['--haproxy', path.join(LAB, 'haproxy.log'), '--format', 'json'];
  const byConfig = goneaway(['correlate', ...ha, '--config', cfg]);
  const original = goneaway(['correlate', ...ha, '--mysql-error', `replica1=${ERR_UTC}`]);
  const byOption = goneaway([
    'correlate',
    ...ha,
    '--mysql-error',
    `replica1=${ERR_BERLIN}`,
    '--timezone',
    `${ERR_BERLIN}=Europe/Berlin`,
  ]);
  for (const r of [byConfig, original, byOption]) assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(byConfig.stderr + byOption.stderr, /sampled events/);
  assert.ok(verdicts(original.stdout).some((v) => v.includes('mysql')));
  assert.deepEqual(verdicts(byConfig.stdout), verdicts(original.stdout));
  assert.deepEqual(verdicts(byOption.stdout), verdicts(original.stdout));
});

test('a --timezone FILE=ZONE that names no file read, or no zone, stops with the fix', () => {
  const r = goneaway(['parse', '--timezone', 'nothere.log=UTC', ERR_UTC]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /GA_ERR_ARGUMENT: --timezone "nothere\.log=UTC" names no file read.*fix: /);
  const z = goneaway(['parse', '--timezone', `${ERR_UTC}=Mars/Olympus`, ERR_UTC]);
  assert.equal(z.code, 2);
  assert.match(z.stderr, /GA_ERR_TIMEZONE: .*Mars\/Olympus.*fix: /);
});

test('config: a bad per-input zone names its key, its value and the fix', () => {
  const r = validateConfig({
    haproxy: { timezone: 'Mars/Olympus' },
    mysql: { instances: [{ server: 'replica1', timezone: 'Nowhere' }] },
    app: { files: [{ path: 'a.log', timezone: 'Moon/Base' }] },
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const by = new Map(r.problems.map((p) => [p.key, p]));
  for (const [key, value] of [
    ['haproxy.timezone', 'Mars/Olympus'],
    ['mysql.instances[0].timezone', 'Nowhere'],
    ['app.files[0].timezone', 'Moon/Base'],
  ] as const) {
    assert.equal(by.get(key)?.value, JSON.stringify(value), key);
    assert.match(by.get(key)!.message, /unknown time zone; fix: /);
  }
});
