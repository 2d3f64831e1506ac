/**
 * The whole CLI (`correlate --config`, `setup`) against a cluster in trouble: the recording stand-in behind the fault
 * proxy (fault-proxy.ts) for what the stand-in does not play. Each time: every event ends up stored once under its
 * _id, or saved in the leftover file with a coded error that says what to do — never dropped, never dead-lettered
 * when a retry or `setup` would index it (docs/elasticsearch.md "Failures").
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  HAVE_STUB,
  STUB,
  esConfig,
  printed,
  readNdjson,
  run,
  scenario,
  startFaultProxy,
  startStub,
  tempDir,
  type Fault,
  type FaultProxy,
  type Stub,
} from './stand-in.js';

const skip = HAVE_STUB ? false : `the stand-in ${STUB} is missing (CI has ../shared beside the clone)`;

/** nginx's page when the cluster behind it does not answer (text/html, not JSON) */
const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';

describe('a cluster in trouble, through the whole CLI', { skip }, () => {
  let stub: Stub;
  let proxy: FaultProxy;
  before(async () => {
    stub = await startStub();
    proxy = await startFaultProxy(stub.url);
  });
  after(async () => {
    await proxy?.close();
    stub?.stop();
  });

  /** correlate of a lab scenario into the proxy with `fault` on its next `times` bulk requests */
  async function correlateWith(name: string, fault: Fault | undefined, times = Infinity) {
    const dir = tempDir();
    const config = esConfig(dir, { hosts: [proxy.url], request_timeout: '1s', max_retry_time: '20s' });
    const args = [...scenario(name), '--config', config];
    const events = await printed(scenario(name));
    assert.ok(events.length >= 2, `${name}: ${events.length} events`);
    const before = new Set((await stub.docs()).map((d) => d._id));
    proxy.set(fault, times);
    const r = await run(args);
    proxy.set(undefined);
    const added = (await stub.docs()).filter((d) => !before.has(d._id));
    const counts = /(\d+) indexed, (\d+) already present, \d+ retried, (\d+) failed/.exec(r.stderr);
    const [indexed, present, failed] = counts ? counts.slice(1).map(Number) : [NaN, NaN, NaN];
    const leftover = () => readNdjson(path.join(dir, 'leftover.ndjson')) as Array<{ _id: string }>;
    const dead = () => readNdjson(path.join(dir, 'dead.ndjson'));
    return { r, n: events.length, added, indexed, present, failed, leftover, dead, args };
  }

  test('no answer within request_timeout (the documents had landed): sent again under the same _ids, the 409s count them present', async () => {
    const t = await correlateWith('01_haproxy_timeout_client', { kind: 'hang' }, 1);
    assert.equal(t.r.code, 0, t.r.stderr);
    assert.equal(t.added.length, t.n, 'each event stored once');
    assert.deepEqual([t.indexed, t.present], [0, t.n]);
  });

  test('the connection reset halfway through the answer: sent again, each event stored once and counted once', async () => {
    const t = await correlateWith('02_haproxy_timeout_server', { kind: 'reset' }, 1);
    assert.equal(t.r.code, 0, t.r.stderr);
    assert.equal(t.added.length, t.n);
    assert.deepEqual([t.indexed, t.present], [0, t.n]);
  });

  test('a 200 with errors: true and half the items left out: the unanswered half is sent again (409: it had landed)', async () => {
    const t = await correlateWith('03_mysql_wait_timeout', { kind: 'drop-items' }, 1);
    assert.equal(t.r.code, 0, t.r.stderr);
    assert.equal(t.added.length, t.n);
    assert.deepEqual([t.indexed, t.present], [t.n >> 1, t.n - (t.n >> 1)]);
  });

  test("a proxy's HTML 502 page twice, then the cluster: every event indexed", async () => {
    const page: Fault = { kind: 'status', status: 502, body: NGINX_502, contentType: 'text/html' };
    const t = await correlateWith('04_mysql_kill', page, 2);
    assert.equal(t.r.code, 0, t.r.stderr);
    assert.ok(proxy.stats.faulted >= 2);
    assert.equal(t.added.length, t.n);
    assert.equal(t.indexed, t.n);
  });

  test('the flood-stage disk block (403 cluster_block_exception on every item) three times: retried, every event indexed, none dead-lettered', async () => {
    const flood: Fault = {
      kind: 'items',
      status: 403,
      error: {
        type: 'cluster_block_exception',
        reason:
          'index [logs-goneaway.verdicts-default] blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];',
      },
    };
    const t = await correlateWith('05_mysql_max_allowed_packet', flood, 3);
    assert.equal(t.r.code, 0, t.r.stderr);
    assert.equal(t.added.length, t.n);
    assert.deepEqual([t.indexed, t.failed], [t.n, 0]);
    assert.deepEqual(t.dead(), []);
  });

  test('404 index_not_found_exception (no data stream, auto-create off): exit 2, GA_ERR_ES_NOT_SET_UP names setup, every event saved; the next run indexes them', async () => {
    const missing: Fault = {
      kind: 'items',
      status: 404,
      error: {
        type: 'index_not_found_exception',
        reason: 'no such index [logs-goneaway.verdicts-default] and [action.auto_create_index] is [false]',
      },
    };
    const t = await correlateWith('06_mysql_restart', missing);
    assert.equal(t.r.code, 2, t.r.stderr);
    assert.match(t.r.stderr, /GA_ERR_ES_NOT_SET_UP: .*no such index \[logs-goneaway\.verdicts-default\]/);
    assert.match(t.r.stderr, /fix: run `goneaway setup --elasticsearch http:\/\/127\.0\.0\.1:\d+`/);
    assert.equal(t.added.length, 0);
    assert.equal(new Set(t.leftover().map((d) => d._id)).size, t.n);
    assert.deepEqual(t.dead(), []);
    const again = await run(t.args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`${t.n} indexed, 0 already present`));
  });

  test('401 security_exception for the request: exit 2 at once with GA_ERR_ES_REQUEST, every event saved', async () => {
    const body = JSON.stringify({
      error: { type: 'security_exception', reason: 'unable to authenticate with provided credentials' },
      status: 401,
    });
    const t = await correlateWith('06b_mysql_crash', { kind: 'status', status: 401, body });
    assert.equal(t.r.code, 2, t.r.stderr);
    assert.match(t.r.stderr, /GA_ERR_ES_REQUEST: .*HTTP 401: unable to authenticate/);
    assert.equal(proxy.stats.faulted > 0, true);
    assert.equal(new Set(t.leftover().map((d) => d._id)).size, t.n);
    assert.equal(t.added.length, 0);
  });

  test('a server that does not say it is Elasticsearch (no X-Elastic-Product): exit 2, GA_ERR_ES_VERSION, nothing sent, every event saved', async () => {
    const bulkBefore = proxy.stats.bulk;
    const t = await correlateWith('07_haproxy_server_down', { kind: 'not-elasticsearch' });
    assert.equal(t.r.code, 2, t.r.stderr);
    assert.match(t.r.stderr, /GA_ERR_ES_VERSION: .*not as Elasticsearch \(no X-Elastic-Product header/);
    assert.equal(proxy.stats.bulk, bulkBefore, 'no bulk request');
    assert.equal(new Set(t.leftover().map((d) => d._id)).size, t.n);
    // setup too: nothing installed on a server that is not Elasticsearch
    proxy.set({ kind: 'not-elasticsearch' });
    const setup = await run(['setup', '--elasticsearch', proxy.url]);
    proxy.set(undefined);
    assert.equal(setup.code, 2, setup.stderr);
    assert.match(setup.stderr, /GA_ERR_ES_VERSION: .*not as Elasticsearch/);
  });
});

describe('Elasticsearch 7.17', { skip }, () => {
  let stub: Stub;
  before(async () => (stub = await startStub('7.17.0')));
  after(() => stub?.stop());

  test('correlate: exit 2, GA_ERR_ES_VERSION names 7.17.0 and the upgrade, nothing indexed, every event saved', async () => {
    const dir = tempDir();
    const args = scenario('08_haproxy_admin_kill');
    const n = (await printed(args)).length;
    const r = await run([...args, '--config', esConfig(dir, { hosts: [stub.url] })]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /GA_ERR_ES_VERSION: .*runs Elasticsearch 7\.17\.0; goneaway supports 8\.x and 9\.x/);
    assert.match(r.stderr, /fix: upgrade the cluster to 8\.x or 9\.x/);
    assert.equal((await stub.docs()).length, 0);
    assert.equal(readNdjson(path.join(dir, 'leftover.ndjson')).length, n);
  });

  test('setup: exit 2, GA_ERR_ES_VERSION, no template installed', async () => {
    const r = await run(['setup', '--elasticsearch', stub.url]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /GA_ERR_ES_VERSION: .*7\.17\.0/);
    assert.deepEqual(await stub.cmd('meta'), {});
  });
});
