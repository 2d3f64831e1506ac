/**
 * `goneaway correlate FILE…`: kinds are sniffed, and a MySQL log's HAProxy server is inferred (issue #3)
 * from its file or folder name, its port in haproxy.cfg, its syslog host, or the only server there is.
 * When nothing tells, the error names the servers known and the SERVER=FILE fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { goneaway, ROOT } from './paths.js';
import { inferServer, knownServers } from '../../src/sources/server-of.js';
import { readHaproxySettings } from '../../parsers/haproxy/settings.js';
import { makeZone } from '../../parsers/zones.js';

const D = path.join(ROOT, 'examples/lab/13_mixed');
type Out = {
  summary: unknown;
  events: Array<{
    goneaway: { kind: string; cause: string; terminated_by: string };
    log: { file: { path: string }; offset: number };
  }>;
};
const verdicts = (o: Out) =>
  o.events
    .map(
      (e) =>
        `${e.goneaway.kind} ${e.goneaway.cause} ${e.goneaway.terminated_by} ${path.basename(e.log.file.path)}@${e.log.offset}`,
    )
    .sort();

test('plain files give the same verdicts as named ones (bundled lab logs)', () => {
  const files = readdirSync(D)
    .filter((f) => f.endsWith('.log'))
    .map((f) => path.join(D, f));
  const plain = goneaway(['correlate', '--format', 'json', ...files]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /replica1-error\.log is taken for MySQL server 'replica1' \(file name\)/);
  assert.match(plain.stderr, /replica2-general\.log is taken for MySQL server 'replica2' \(file name\)/);
  // the Node app's pino JSON is an app log, not HAProxy JSON nor MySQL's JSON sink
  assert.match(plain.stderr, /app-node\.log \(app\)/);
  const named = goneaway([
    'correlate',
    '--format',
    'json',
    '--haproxy',
    `${D}/haproxy.log`,
    '--mysql-error',
    `replica1=${D}/replica1-error.log`,
    '--mysql-error',
    `replica2=${D}/replica2-error.log`,
    '--mysql-general',
    `replica1=${D}/replica1-general.log`,
    '--mysql-general',
    `replica2=${D}/replica2-general.log`,
    '--app',
    `${D}/app-php.log`,
    '--app',
    `${D}/app-node.log`,
    '--app',
    `${D}/app-python.log`,
  ]);
  assert.equal(named.code, 0, named.stderr);
  const a = verdicts(JSON.parse(plain.stdout) as Out),
    b = verdicts(JSON.parse(named.stdout) as Out);
  assert.ok(a.some((v) => v.startsWith('app_error ')));
  assert.deepEqual(a, b);
});

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-infer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const hap = (server: string) =>
  `Nov 23 20:27:30 lb haproxy[1]: 127.0.0.1:55272 [23/Nov/2026:20:27:25.948] mysql_ro be/${server} 0/0/5017 176 -- 1/1/0/0/0 0/0`;
const GENERAL = (port: number) =>
  `/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-log (Debian). started with:\nTcp port: ${port}  Unix socket: /run/mysqld/mysqld.sock\nTime\t\t    Id Command\tArgument\n261123 20:27:25\t   12 Connect\tapp@127.0.0.1 on app using TCP/IP\n`;

test('inference rules: file name, folder name, cfg port, syslog host, the only server, and none', (t) => {
  const dir = scratch(t);
  const ctx = { zone: makeZone('UTC') };
  const log = path.join(dir, 'haproxy.log');
  writeFileSync(log, [hap('db-a'), hap('db-b'), hap('db-a10'), hap('<NOSRV>')].join('\n') + '\n');
  const cfg = readHaproxySettings(
    'backend be\n  server db-a 10.0.0.1:3311 check\n  server db-b db-b.example:3312 check\n  server db-a10 [fd00::1]:3313\n',
  );
  const known = knownServers([log], ctx, cfg);
  assert.deepEqual([...known.names].sort(), ['db-a', 'db-a10', 'db-b']);
  const put = (rel: string, text: string) => {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
    return f;
  };
  // whole words only: db-a10 is not db-a
  assert.deepEqual(inferServer(put('db-a10-error.log', 'x\n'), known), { server: 'db-a10', how: 'file name' });
  assert.deepEqual(inferServer(put('db-a.general.log', 'x\n'), known), { server: 'db-a', how: 'file name' });
  assert.deepEqual(inferServer(put('db-b/mysql/error.log', 'x\n'), known), {
    server: 'db-b',
    how: "folder name 'db-b'",
  });
  assert.deepEqual(inferServer(put('g1.log', GENERAL(3312)), known), {
    server: 'db-b',
    how: 'port 3312 in haproxy.cfg',
  });
  const journal =
    "2026-11-23T20:27:25+00:00 db-b mariadbd[1]: 2026-11-23 20:27:25 12 [Warning] Aborted connection 12 to db: 'app' user: 'app' host: '127.0.0.1' (Got timeout reading communication packets)\n";
  assert.deepEqual(inferServer(put('e1.log', journal), known), { server: 'db-b', how: "syslog host 'db-b'" });
  const none = inferServer(put('e2.log', GENERAL(3306)), known);
  assert.equal(none.server, undefined);
  assert.match((none as { why: string }).why, /port 3306 matches one of the servers db-a, db-b, db-a10/);
  const one = knownServers([], ctx, readHaproxySettings('listen mysql\n  server only 127.0.0.1:3306\n'));
  assert.deepEqual(inferServer(put('e3.log', 'x\n'), one), { server: 'only', how: 'the only HAProxy server' });
});

test('a MySQL file nothing can place fails with the servers known and the SERVER=FILE fix', (t) => {
  const dir = scratch(t);
  const log = path.join(dir, 'haproxy.log');
  writeFileSync(log, [hap('db-a'), hap('db-b')].join('\n') + '\n');
  const gen = path.join(dir, 'general.log');
  writeFileSync(gen, GENERAL(3306));
  const r = goneaway(['correlate', '--format', 'ndjson', log, gen]);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /GA_ERR_SERVER_MAPPING: .*general\.log looks like a MySQL general log but which HAProxy server it is cannot be told: .*db-a, db-b/,
  );
  assert.match(r.stderr, /fix: name its server as SERVER=FILE/);
  // --mysql-general without SERVER= is inferred the same way
  const named = path.join(dir, 'db-b-general.log');
  writeFileSync(named, GENERAL(3306));
  const q = goneaway(['correlate', '--format', 'ndjson', '--haproxy', log, '--mysql-general', named]);
  assert.equal(q.code, 0, q.stderr);
  assert.match(q.stderr, /db-b-general\.log is taken for MySQL server 'db-b' \(file name\)/);
});
