import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compileLogFormat,
  logFormatsFromConfig,
  parseHaproxyLine,
  BUILTIN_FORMATS,
} from '../../../parsers/haproxy/index.js';
import { tokenizeConfigLine } from '../../../parsers/haproxy/config.js';
import { makeZone } from '../../../parsers/zones.js';
import type { CompiledLineParser, ParseContext } from '../../../parsers/types.js';
import { get } from './helpers.js';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..', 'test/fixtures/haproxy');

test('lab haproxy.cfg: per-frontend formats with defaults inheritance and last-one-wins', () => {
  const cfg = fs.readFileSync(path.join(FIX, 'lab-haproxy.cfg'), 'utf8');
  const got = logFormatsFromConfig(cfg);
  const by = new Map(got.map((g) => [g.frontend, g]));
  assert.deepEqual([...by.keys()].sort(), [
    'mysql_ro',
    'mysql_ro_custom',
    'mysql_ro_json',
    'tcp_under_http_defaults',
    'www',
    'www_clf',
  ]);

  assert.equal(by.get('mysql_ro')!.format, BUILTIN_FORMATS.tcplog);
  assert.equal(by.get('mysql_ro')!.mode, 'tcp');
  assert.match(by.get('mysql_ro')!.source, /option tcplog.*inherited from defaults/);

  assert.equal(
    by.get('mysql_ro_custom')!.format,
    '%ci:%cp [%t] %ft %b/%s %bi:%bp %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq',
  );
  assert.match(by.get('mysql_ro_custom')!.source, /^line \d+: log-format$/);
  assert.ok(by.get('mysql_ro_json')!.format.startsWith('{"client":"%ci:%cp"'), 'single quotes keep the double quotes');

  // haproxy/haproxy#1715: `option httplog` after `log-format` wins
  assert.equal(by.get('www')!.format, BUILTIN_FORMATS.httplog);
  assert.equal(by.get('www')!.mode, 'http');

  assert.equal(by.get('www_clf')!.format, BUILTIN_FORMATS.httpClf);
  assert.equal(by.get('www_clf')!.mode, 'http');
  // option httplog (inherited) in a mode tcp frontend falls back to tcplog
  assert.equal(by.get('tcp_under_http_defaults')!.format, BUILTIN_FORMATS.tcplog);
  assert.match(by.get('tcp_under_http_defaults')!.source, /falls back/);
});

test('the config formats compile and parse the lab fixture lines', () => {
  const cfg = fs.readFileSync(path.join(FIX, 'lab-haproxy.cfg'), 'utf8');
  const formats: CompiledLineParser[] = [];
  for (const f of logFormatsFromConfig(cfg)) {
    const c = compileLogFormat(f.format, f.frontend);
    if ('error' in c) assert.fail(`${f.frontend}: ${c.error}`);
    formats.push(c);
  }
  const ctx: ParseContext = { zone: makeZone('UTC'), haproxyFormats: formats };
  const lines = fs.readFileSync(path.join(FIX, 'lab-traditional.log'), 'utf8').split('\n').filter(Boolean);
  const custom = lines.find((l) => l.includes('mysql_ro_custom'))!;
  const r = parseHaproxyLine(custom, ctx);
  assert.ok(r.ok);
  if (r.ok) assert.equal(get(r.value.doc, 'haproxy.backend_source.port'), 60362);
  const json = lines.find((l) => l.includes('mysql_ro_json'))!;
  const j = parseHaproxyLine(json, ctx);
  assert.ok(j.ok);
  if (j.ok) {
    assert.deepEqual(get(j.value.doc, 'haproxy.server_address'), { ip: '127.0.0.1', port: 3312 });
    assert.equal(get(j.value.doc, 'haproxy.log_format'), 'custom:mysql_ro_json');
  }
});

test('section details: named defaults with from, no option, mode inheritance, comments and escapes', () => {
  const cfg = [
    'defaults base',
    '  mode http',
    '  option httpslog',
    'defaults other',
    '  mode tcp',
    'frontend a from base   # comment',
    '  bind :443',
    'frontend b',
    '  option tcplog',
    'frontend c',
    '  option tcplog',
    '  no option tcplog',
    'listen d',
    '  option tcplog clf',
    'frontend e',
    '  log-format %ci:%cp\\ [%t]\\ %ft   # unquoted with escapes',
    'backend ignored',
    '  option httplog',
  ].join('\n');
  const got = logFormatsFromConfig(cfg);
  assert.deepEqual(
    got.map((g) => [g.frontend, g.mode]),
    [
      ['a', 'http'],
      ['b', 'tcp'],
      ['d', 'tcp'],
      ['e', 'tcp'],
    ],
  );
  assert.equal(got[0]!.format, BUILTIN_FORMATS.httpslog);
  assert.equal(got[2]!.format, BUILTIN_FORMATS.tcpClf);
  assert.equal(got[3]!.format, '%ci:%cp [%t] %ft');
});

test('config line tokenizer follows HAProxy quoting', () => {
  assert.deepEqual(tokenizeConfigLine('  log-format "%ci \\"x\\" %t" # c'), ['log-format', '%ci "x" %t']);
  assert.deepEqual(tokenizeConfigLine("log-format '%ci \\n'"), ['log-format', '%ci \\n']);
  assert.deepEqual(tokenizeConfigLine('log-format "${HAPROXY_TCP_LOG_FMT} %bi"'), [
    'log-format',
    `${BUILTIN_FORMATS.tcplog} %bi`,
  ]);
  assert.deepEqual(tokenizeConfigLine('# only a comment'), []);
  assert.deepEqual(logFormatsFromConfig(''), []);
});
