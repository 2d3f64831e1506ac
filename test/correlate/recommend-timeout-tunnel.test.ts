import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readHaproxySettings } from '../../parsers/haproxy/settings.js';
import { Observations, recommend } from '../../src/correlate/recommend.js';

// In TCP mode `timeout tunnel` replaces `timeout client` and `timeout server` once a session is
// established (HAProxy manual, `timeout tunnel`). Checked on Debian's HAProxy 2.6.12: with
// `timeout client 1s` in the frontend and `timeout tunnel 3s` in the backend, an idle session was
// closed after 3.0 s and logged
//   127.0.0.1:33626 [05/Dec/2026:08:53:02.981] fe be/s1 1/0/3014 1 cD 1/1/0/0/0 0/0
// so a `cD` there is the tunnel timeout, and "raise timeout client" would change nothing.
const CFG = `
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend mysql_ro
    bind 127.0.0.1:33306
    default_backend replicas

backend replicas
    timeout tunnel 1h
    server replica1 10.0.0.1:3306 check

frontend mysql_rw
    bind 127.0.0.1:33307
    default_backend primary

backend primary
    server primary 10.0.0.2:3306 check
`;

const obs = new Observations();

test('a client-side timeout on a backend with timeout tunnel names timeout tunnel and its value', () => {
  const cfg = readHaproxySettings(CFG);
  const r = recommend('haproxy_timeout_client', obs, cfg, undefined, {
    frontend: 'mysql_ro',
    backend: 'replicas',
    mode: 'tcp',
  });
  assert.equal(r.setting, 'HAProxy `timeout tunnel`');
  assert.equal(r.current, '3600 s');
  assert.match(r.text, /supersedes `timeout client` and `timeout server`/);
  assert.match(r.text, /backend replicas/);
  // the server side too: `sD` under a tunnel timeout is the same setting
  assert.equal(
    recommend('haproxy_timeout_server', obs, cfg, undefined, { frontend: 'mysql_ro', backend: 'replicas', mode: 'tcp' })
      .setting,
    'HAProxy `timeout tunnel`',
  );
});

test('a backend without timeout tunnel keeps timeout client / timeout server', () => {
  const cfg = readHaproxySettings(CFG);
  const r = recommend('haproxy_timeout_client', obs, cfg, undefined, {
    frontend: 'mysql_rw',
    backend: 'primary',
    mode: 'tcp',
  });
  assert.equal(r.setting, 'HAProxy `timeout client`');
  assert.equal(r.current, '30 s');
});

test('timeout tunnel in defaults applies to every TCP backend, not to HTTP requests', () => {
  const cfg = readHaproxySettings(
    CFG.replace('    timeout server 30s\n', '    timeout server 30s\n    timeout tunnel 2h\n'),
  );
  assert.equal(
    recommend('haproxy_timeout_server', obs, cfg, undefined, { frontend: 'mysql_rw', backend: 'primary', mode: 'tcp' })
      .current,
    '7200 s',
  );
  assert.equal(
    recommend('haproxy_timeout_client', obs, cfg, undefined, { frontend: 'mysql_ro', backend: 'replicas', mode: 'tcp' })
      .current,
    '3600 s',
    "the backend's own value wins",
  );
  assert.equal(
    recommend('haproxy_timeout_client', obs, cfg, undefined, { frontend: 'mysql_rw', backend: 'primary', mode: 'http' })
      .setting,
    'HAProxy `timeout client`',
  );
});

test('a proxy takes the timeouts of the named defaults it is declared `from` (HAProxy >= 2.4)', () => {
  const cfg = readHaproxySettings(`
defaults db
    mode tcp
    timeout client 8h
    timeout tunnel 1h
defaults web
    mode http
    timeout client 30s
frontend mysql from db
    bind :3306
    default_backend replicas
backend replicas from db
    server r1 10.0.0.1:3306
frontend www
    bind :80
    default_backend app
backend app
    server a1 10.0.0.9:8080
`);
  assert.equal(
    recommend('haproxy_timeout_client', obs, cfg, undefined, { frontend: 'mysql', backend: 'replicas', mode: 'tcp' })
      .current,
    '3600 s',
  );
  assert.equal(
    recommend('haproxy_timeout_client', obs, cfg, undefined, { frontend: 'www', backend: 'app', mode: 'http' }).current,
    '30 s',
    'no `from`: the last defaults above',
  );
});
