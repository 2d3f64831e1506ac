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
  assert.equal(sniffContainerPrefix(maria, 'mysql_error'), 'docker-timestamps');
  assert.equal(sniffContainerPrefix([`2026-11-25T01:25:02.123456789Z ${TCP}`], 'haproxy'), undefined);
});

test("MySQL 8's own RFC3339 stamp is not a docker prefix: every record of the log comes out", () => {
  const my8 = [
    '2026-11-24T03:30:00.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1',
    "2026-11-24T03:30:01.123456Z 45 [Note] [MY-010914] [Server] Aborted connection 45 to db: 'shop' user: 'app' host: '10.0.0.5' (Got timeout reading communication packets).",
    '2026-11-24T03:30:03.123456Z 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.0.36).',
    '2026-11-24T03:30:06Z UTC - mysqld got signal 11 ;',
  ];
  for (const kind of ['mysql_error', 'auto']) assert.equal(sniffContainerPrefix(my8, kind), undefined, kind);
  const r = goneaway(['parse', '--kind', 'mysql_error', '--format', 'ndjson', '-'], my8.join('\n') + '\n');
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

/** parse NDJSON output into documents */
const docsOf = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);

// `docker service logs` writes `<service>.<slot>.<task id>@<node>` padded, then `| ` before every line
// (https://github.com/moby/moby/issues/33349: "a `|` separator is output after the service-id/host";
// options --no-task-ids / --no-trunc / --no-resolve: https://docs.docker.com/reference/cli/docker/service/logs/)
test('docker service logs (swarm): HAProxy lines under the task prefix parse and the file sniffs as haproxy', () => {
  const server = 'Proxy mysql_ro started.';
  for (const pre of [
    'lb_haproxy.1.x2z3abcd1234@node-1    | ',
    'lb_haproxy.1@node-1    | ',
    'lb_haproxy.1.x2z3abcd1234qwertyuiop5678@swarm-mgr.example    | ',
  ]) {
    const sample = [pre + TCP, pre + TCP, pre + server];
    assert.equal(sniffContainerPrefix(sample, 'auto'), 'swarm', pre);
    const out = [...stripContainerPrefix(lines(sample), 'swarm')];
    assert.equal(out[0]!.text, TCP);
    assert.equal(out[2]!.offset, 2000 + Buffer.byteLength(pre));
    const r = goneaway(['parse', '--format', 'ndjson', '--timezone', 'UTC', '-'], sample.join('\n') + '\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\(haproxy\).*swarm prefix removed/);
    const docs = docsOf(r.stdout);
    assert.deepEqual(
      docs.map((d) => d.goneaway!.kind),
      ['haproxy', 'haproxy', 'haproxy'],
    );
    assert.equal(docs[0]!.haproxy!.termination_state, 'cD');
  }
});

// compose shows a service with `container_name:` by that name, with no replica number
// (https://github.com/containers/podman-compose/pull/1464: "Docker-compose … uses `container_name` as the
// prefix when available"); MySQL 8 lines as docker compose printed them in https://github.com/docker/compose/issues/11701
test('docker compose with container_name: a MySQL error log under `mysql  | ` gives one record per line', () => {
  const pre = 'mysql      | ';
  const log = [
    '2024-04-08T15:24:06.212428Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.3.0) starting as process 1',
    '2024-04-08T15:24:06.225291Z 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started.',
    "2024-04-08T15:30:01.123456Z 45 [Note] [MY-010914] [Server] Aborted connection 45 to db: 'shop' user: 'app' host: '10.0.0.5' (Got timeout reading communication packets).",
    '2024-04-08T15:31:00.000000Z 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.3.0).',
  ];
  const sample = log.map((l) => pre + l);
  assert.equal(sniffContainerPrefix(sample, 'auto'), 'compose-named');
  const r = goneaway(['parse', '--format', 'ndjson', '-'], sample.join('\n') + '\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\(mysql_error\): 4 records/);
  const docs = docsOf(r.stdout);
  assert.equal(docs.length, 4);
  assert.equal(docs[0]!.mysql!.error_type, 'starting');
  assert.equal(docs[2]!.mysql!.error_type, 'aborted_connection');
  assert.equal(docs[3]!.mysql!.error_type, 'shutdown');
  assert.equal(docs[2]!.log!.offset, Buffer.byteLength(sample[0]! + '\n' + sample[1]! + '\n' + pre));
});

test('app columns `WARN | …` / `ERROR | …` on every line are not a container name', () => {
  const app = [
    'ERROR | SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
    'WARN  | slow request',
    'INFO  | request done',
    'ERROR | retrying',
    'DEBUG | done',
  ];
  for (const kind of ['app', 'auto']) assert.equal(sniffContainerPrefix(app, kind), undefined, kind);
});

// docker's syslog logging driver tags lines `docker/<container>` (https://github.com/docker-archive/dockercloud-haproxy/issues/48:
// `Aug 24 15:56:10 server1 docker/250fc9609308[5136]: …`; a MariaDB crash under such a tag in
// https://github.com/matomo-org/matomo/issues/17279)
test('rsyslog tag docker/<container>[pid]: MariaDB lines under it are error-log records, sniffed as such', () => {
  const input = [
    "Feb 26 16:49:40 fizban docker/matomo_db_1[1965]: 2021-02-26 15:49:40 5 [Warning] Aborted connection 5 to db: 'matomo' user: 'matomo' host: '172.18.0.3' (Got timeout reading communication packets)",
    'Feb 26 16:49:51 fizban docker/matomo_db_1[1965]: 210226 15:49:51 [ERROR] mysqld got signal 11 ;',
    'This could be because you hit a bug. It is also possible that this binary',
    'Feb 26 16:49:51 fizban docker/matomo_db_1[1965]: Thread pointer: 0x7f0104000c58',
    'Attempting backtrace. You can use the following information to find out',
  ].join('\n');
  const r = goneaway(['parse', '--format', 'ndjson', '-'], input + '\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\(mysql_error\): 2 records/);
  const docs = docsOf(r.stdout);
  assert.deepEqual(
    docs.map((d) => d.mysql!.error_type),
    ['aborted_connection', 'signal'],
  );
  assert.equal(docs[1]!['@timestamp'] as unknown, '2021-02-26T15:49:51.000Z');
  assert.match(String(docs[1]!.event!.original), /Thread pointer: 0x7f0104000c58/);
});

test("docker/<container> tag: another container's lines in the same syslog file are not glued to MySQL records", () => {
  const input = [
    "Feb 26 16:49:40 fizban docker/matomo_db_1[1965]: 2021-02-26 15:49:40 5 [Warning] Aborted connection 5 to db: 'matomo' user: 'matomo' host: '172.18.0.3' (Got timeout reading communication packets)",
    'Feb 26 16:49:41 fizban docker/matomo_app_1[2001]: 172.18.0.1 - - [26/Feb/2021:16:49:41 +0000] "GET /index.php HTTP/1.1" 200 512',
    "Feb 26 16:49:42 fizban docker/matomo_db_1[1965]: 2021-02-26 15:49:42 6 [Warning] Aborted connection 6 to db: 'matomo' user: 'matomo' host: '172.18.0.3' (Got an error reading communication packets)",
  ].join('\n');
  const r = goneaway(['parse', '--kind', 'mysql_error', '--format', 'ndjson', '-'], input + '\n');
  assert.equal(r.code, 0, r.stderr);
  const docs = docsOf(r.stdout);
  assert.deepEqual(
    docs.map((d) => d.goneaway!.kind),
    ['mysql_error', 'unparsed', 'mysql_error'],
  );
  assert.doesNotMatch(String(docs[0]!.event!.original), /GET \/index\.php/);
  assert.match(String(docs[1]!.error!.message), /not the MySQL\/MariaDB server/);
});
