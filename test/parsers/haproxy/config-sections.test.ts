/**
 * haproxy.cfg has one reader (parsers/haproxy/config.ts); the settings a recommendation quotes and the
 * per-frontend log formats are read from its sections. Section keywords: docs/haproxy-config-sections.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readHaproxyConfig, SECTION_KEYWORDS } from '../../../parsers/haproxy/config.js';
import { readHaproxySettings } from '../../../parsers/haproxy/settings.js';
import { logFormatsFromConfig } from '../../../parsers/haproxy/index.js';

const PROXY_CFG = [
  'global',
  '    hard-stop-after 3s',
  'defaults',
  '    mode tcp',
  '    timeout client 30s',
  '    timeout server 30s',
  'frontend mysql_ro',
  '    bind :3307',
  '    default_backend replicas',
  'backend replicas',
  '    server replica1 127.0.0.1:3311 check on-marked-down shutdown-sessions',
].join('\n');

test("a log-forward section's `timeout client 5s` is its own, not the backend's above it", () => {
  // HAProxy's manual: log-forward sections take `timeout client` (an idle syslog TCP client)
  const cfg = `${PROXY_CFG}\nlog-forward syslog\n    bind :514\n    dgram-bind :514\n    timeout client 5s\n`;
  const s = readHaproxySettings(cfg);
  assert.equal(s.proxies.get('replicas')?.timeoutClient, 30_000);
  assert.equal(s.timeoutClient, 30_000);
  assert.equal(s.proxies.has('syslog'), false);
  assert.deepEqual(
    readHaproxyConfig(cfg).map((x) => [x.kind, x.name]),
    [
      ['global', ''],
      ['defaults', ''],
      ['frontend', 'mysql_ro'],
      ['backend', 'replicas'],
      ['log-forward', 'syslog'],
    ],
  );
});

test("a ring's `timeout server` and server lines are not a proxy's", () => {
  const cfg = `${PROXY_CFG}\nring logbuf\n    timeout server 10s\n    server logsrv 10.0.0.9:514\n`;
  const s = readHaproxySettings(cfg);
  assert.equal(s.proxies.get('replicas')?.timeoutServer, 30_000);
  assert.equal(s.timeoutServer, 30_000);
  assert.deepEqual(
    s.servers.map((x) => x.name),
    ['replica1'],
  );
  assert.equal(s.hardStopAfter, 3000);
  assert.equal(s.shutdownSessionsOnDown, true);
});

const NOT_PROXY = [...SECTION_KEYWORDS].filter((k) => !['defaults', 'frontend', 'backend', 'listen'].includes(k));

test('property: timeout lines in any non-proxy section change no setting', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...NOT_PROXY),
      fc.constantFrom('client', 'server', 'tunnel'),
      fc.integer({ min: 1, max: 100_000 }),
      (kw, which, ms) => {
        const extra = `\n${kw} x\n    timeout ${which} ${ms}ms\n`;
        const plain = readHaproxySettings(PROXY_CFG);
        const withExtra = readHaproxySettings(PROXY_CFG + extra);
        assert.deepEqual(withExtra, plain);
      },
    ),
  );
});

test('sections: `defaults NAME`, `defaults from NAME`, `from` on proxies, and the last defaults above', () => {
  const secs = readHaproxyConfig(
    [
      'timeout client 1s',
      'defaults a',
      '  timeout client 2s',
      'defaults from a',
      '  timeout server 3s',
      'frontend f1',
      'frontend f2 from a',
      'backend b1 from nowhere',
      'cache c',
      'fcgi-app php',
      '  docroot /var/www',
    ].join('\n'),
  );
  const by = new Map(secs.map((s) => [`${s.kind} ${s.name}`, s]));
  assert.equal(secs.length, 7, 'the line before the first section belongs to none');
  assert.equal(by.get('defaults ')!.base, by.get('defaults a'));
  assert.equal(by.get('frontend f1')!.base, by.get('defaults '), 'the last defaults above');
  assert.equal(by.get('frontend f2')!.base, by.get('defaults a'));
  assert.equal(by.get('backend b1')!.base, undefined, 'an unknown `from` inherits nothing');
  assert.equal(by.get('cache c')!.base, undefined);
  assert.deepEqual(by.get('fcgi-app php')!.lines, [{ args: ['docroot', '/var/www'], line: 11 }]);
  const s = readHaproxySettings('defaults a\n timeout client 2s\ndefaults from a\n timeout server 3s\nbackend b\n');
  assert.deepEqual(s.proxies.get('b'), { timeoutClient: 2000, timeoutServer: 3000 });
});

test('log formats and settings agree on where a section ends', () => {
  // the old settings reader did not know `fcgi-app`: its lines went to the listen section above
  const cfg = 'listen mysql\n  mode tcp\n  option tcplog\nfcgi-app php\n  option httplog\n  timeout server 9s\n';
  assert.deepEqual(
    logFormatsFromConfig(cfg).map((f) => [f.frontend, f.source]),
    [['mysql', 'line 3: option tcplog']],
  );
  assert.equal(readHaproxySettings(cfg).proxies.get('mysql')?.timeoutServer, undefined);
});
