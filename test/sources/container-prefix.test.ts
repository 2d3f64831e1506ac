/**
 * Logs taken from containers: `docker compose logs` (`haproxy-1  | …`, coloured or not),
 * `kubectl logs --prefix` and `docker logs --timestamps` in front of MariaDB's lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffContainerPrefix, stripContainerPrefix } from '../../src/sources/container-prefix.js';
import { goneaway } from '../cli/paths.js';

const TCP =
  '10.0.1.5:51234 [25/Nov/2026:01:24:57.123] mysql_ro mariadb_replicas/replica1 1/0/5001 1234 cD 6/4/5/2/0 0/0';
const lines = (texts: string[]) => texts.map((text, i) => ({ text, offset: i * 1000, lineNo: i + 1 }));

test('compose v2, v1 and coloured prefixes are recognised; the offset moves past the prefix', () => {
  for (const pre of ['haproxy-1  | ', 'shop_haproxy_1    | ', '\x1b[36mhaproxy-1  |\x1b[0m ']) {
    const sample = [pre + TCP, pre + TCP];
    assert.equal(sniffContainerPrefix(sample, 'haproxy'), 'compose', JSON.stringify(pre));
    const out = [...stripContainerPrefix(lines(sample), 'compose')];
    assert.equal(out[0]!.text, TCP);
    assert.equal(out[1]!.offset, 1000 + Buffer.byteLength(pre));
  }
});

test('an app log with `LEVEL | message` columns is not a container prefix', () => {
  const app = [
    'ERROR | SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
    'INFO  | request done',
    'worker | started',
  ];
  assert.equal(sniffContainerPrefix(app, 'app'), undefined);
});

test('a prefix on a minority of lines is left alone', () => {
  assert.equal(sniffContainerPrefix(['haproxy-1  | ' + TCP, TCP, TCP, TCP, TCP], 'haproxy'), undefined);
});

test('kubectl --prefix', () => {
  const sample = [`[pod/haproxy-7d9f8/haproxy] ${TCP}`];
  assert.equal(sniffContainerPrefix(sample, 'haproxy'), 'kubectl');
  assert.equal([...stripContainerPrefix(lines(sample), 'kubectl')][0]!.text, TCP);
});

test('docker --timestamps is removed for MySQL logs only (HAProxy reads it as the envelope date)', () => {
  const maria = ['2026-11-25T01:25:02.123456789Z 2026-11-25  1:25:02 0 [Note] Starting MariaDB 10.11.6'];
  assert.equal(sniffContainerPrefix(maria, 'mysql-error'), 'docker-timestamps');
  assert.equal(sniffContainerPrefix([`2026-11-25T01:25:02.123456789Z ${TCP}`], 'haproxy'), undefined);
});

test("MySQL 8's own RFC3339 stamp is not a docker prefix: every record of the log comes out", () => {
  const my8 = [
    '2026-11-24T03:30:00.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1',
    "2026-11-24T03:30:01.123456Z 45 [Note] [MY-010914] [Server] Aborted connection 45 to db: 'shop' user: 'app' host: '10.0.0.5' (Got timeout reading communication packets).",
    '2026-11-24T03:30:03.123456Z 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.0.36).',
    '2026-11-24T03:30:06Z UTC - mysqld got signal 11 ;',
  ];
  for (const kind of ['mysql-error', 'auto']) assert.equal(sniffContainerPrefix(my8, kind), undefined, kind);
  const r = goneaway(['parse', '--kind', 'mysql-error', '--format', 'ndjson', '-'], my8.join('\n') + '\n');
  assert.equal(r.code, 0, r.stderr);
  const docs = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { mysql: { error_type: string; thread_id?: number } });
  assert.deepEqual(
    docs.map((d) => d.mysql.error_type),
    ['starting', 'aborted_connection', 'shutdown', 'signal'],
  );
  assert.doesNotMatch(r.stderr, /prefix removed/);
});

test('goneaway parse: compose-prefixed HAProxy and MariaDB logs parse, offsets point at the record', () => {
  const server =
    'Server mariadb_replicas/replica1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.';
  const input = `haproxy-1  | ${TCP}\nhaproxy-1  | [WARNING]  (8) : ${server}\n`;
  const r = goneaway(['parse', '--format', 'ndjson', '--timezone', 'UTC', '-'], input);
  assert.equal(r.code, 0, r.stderr);
  const docs = r.stdout
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          haproxy: { message_type?: string; termination_state?: string };
          log: { offset: number };
          event: { original: string };
        },
    );
  assert.equal(docs[0]!.haproxy.termination_state, 'cD');
  assert.equal(docs[0]!.log.offset, 'haproxy-1  | '.length);
  assert.equal(docs[0]!.event.original, TCP);
  assert.equal(docs[1]!.haproxy.message_type, 'server_state', 'stderr [WARNING] carries a server state change');
  assert.match(r.stderr, /compose prefix removed/);

  const maria =
    "mariadb-1  | 2026-11-25  1:25:02 5 [Warning] Aborted connection 5 to db: 'shop' user: 'app' host: '10.0.0.3' (Got timeout reading communication packets)\n";
  const m = goneaway(['parse', '--format', 'ndjson', '--timezone', 'UTC', '-'], maria);
  assert.equal(m.code, 0, m.stderr);
  const d = JSON.parse(m.stdout.trim()) as { mysql: { error_type: string }; '@timestamp': string };
  assert.equal(d.mysql.error_type, 'aborted_connection');
  assert.equal(d['@timestamp'], '2026-11-25T01:25:02.000Z');
});
