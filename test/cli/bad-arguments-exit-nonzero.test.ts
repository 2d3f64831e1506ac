import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goneaway } from './paths.js';

const oneLine = (s: string) => s.trim().split('\n').length === 1;

test('--help works', () => {
  const r = goneaway(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /parse/);
  assert.match(r.stdout, /correlate/);
  assert.match(r.stdout, /validate/);
});

const cases: Array<[string, string[], RegExp]> = [
  ['unreadable file', ['parse', '/nonexistent/x.log'], /GA_ERR_FILE_UNREADABLE.*no such file/],
  ['unknown kind', ['parse', '--kind', 'nginx', '/etc/hostname'], /nginx/],
  ['unknown timezone', ['parse', '--timezone', 'Mars/Olympus', '/etc/hostname'], /GA_ERR_TIMEZONE/],
  ['unknown format', ['parse', '--format', 'xml', '/etc/hostname'], /xml/],
  ['bad log-format', ['parse', '--log-format', '%[unclosed', '/etc/hostname'], /GA_ERR_LOG_FORMAT/],
  [
    'mysql log without server name',
    ['correlate', '--mysql-error', '/etc/hostname'],
    /GA_ERR_SERVER_MAPPING.*SERVER=FILE/,
  ],
  ['correlate unreadable app log', ['correlate', '--app', '/nonexistent/app.log'], /GA_ERR_FILE_UNREADABLE/],
  ['bad --since', ['correlate', '--app', '/etc/hostname', '--since', 'yesterday-ish'], /GA_ERR_TIME_RANGE/],
  ['unknown command', ['frobnicate'], /unknown command/],
  ['missing config', ['validate', '--config', '/nonexistent/goneaway.yaml'], /GA_ERR_CONFIG_UNREADABLE/],
];

for (const [name, args, re] of cases) {
  test(`${name}: non-zero exit with a one-line reason`, () => {
    const r = goneaway(args);
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, re);
    assert.ok(oneLine(r.stderr), `stderr should be one line, got:\n${r.stderr}`);
  });
}
