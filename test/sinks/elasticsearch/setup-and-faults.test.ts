/**
 * `goneaway setup` and `--elasticsearch` against the recording stand-in (../shared/tools/es-stub.mjs):
 * templates, Kibana import, idempotent reruns, 429 storms and outages. The stand-in keeps documents by
 * (index, _id) and answers 409 to a second create, as Elasticsearch does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { recordMappings, verdictMappings } from '../../../src/sinks/elasticsearch/mappings.js';
import { ROOT } from '../../cli/paths.js';
import {
  HAVE_STUB,
  LAB,
  STUB,
  esConfig,
  printed,
  readNdjson,
  run,
  scenario,
  startStub,
  tempDir,
  type Stub,
} from './stand-in.js';

const skip = HAVE_STUB ? false : `the stand-in ${STUB} is missing (CI has ../shared beside the clone)`;
const KIBANA_FIXTURE = path.join(ROOT, 'test/fixtures/kibana/objects.ndjson');

type Mapping = { properties?: Record<string, Mapping>; type?: string };
/** every leaf field of a mapping with its type: `goneaway.join.method` → keyword */
function leaves(m: Mapping, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(m.properties ?? {})) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v.properties) for (const [n, t] of leaves(v, name)) out.set(n, t);
    else out.set(name, v.type ?? 'object');
  }
  return out;
}

for (const version of ['8.15.0', '9.1.0']) {
  describe(`setup against Elasticsearch ${version}`, { skip }, () => {
    let stub: Stub;
    before(async () => (stub = await startStub(version)));
    after(() => stub?.stop());

    test('installs the lifecycle policy, the mapping components and one data-stream template per stream above the built-in logs template', async () => {
      const r = await run(['setup', '--elasticsearch', stub.url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`version ${version.replace(/\./g, '\\.')}`));
      const meta = (await stub.cmd('meta')) as Record<string, Record<string, unknown>>;
      const policy = meta['/_ilm/policy/goneaway-logs']!.policy as { phases: Record<string, { min_age?: string }> };
      assert.ok(policy.phases.hot, 'hot phase with rollover');
      assert.equal(policy.phases.delete!.min_age, '90d');
      for (const [ds, mappings] of [
        ['goneaway.verdicts', verdictMappings],
        ['goneaway.records', recordMappings],
      ] as const) {
        const t = meta[`/_index_template/logs-${ds}`] as {
          index_patterns: string[];
          data_stream: object;
          priority: number;
          composed_of: string[];
        };
        assert.deepEqual(t.index_patterns, [`logs-${ds}-*`]);
        assert.deepEqual(t.data_stream, {});
        assert.ok(t.priority > 100, `priority ${t.priority} must beat the built-in logs template (100)`);
        const component = t.composed_of.find((c) => c.includes(ds))!;
        const stored = meta[`/_component_template/${encodeURIComponent(component)}`] as {
          template: { mappings: Mapping };
        };
        // every field of the explicit mapping reaches the cluster with its type
        const want = leaves(mappings as Mapping);
        const got = leaves(stored.template.mappings);
        assert.ok(want.size > 3);
        for (const [field, type] of want) assert.equal(got.get(field), type, field);
        assert.ok(
          t.composed_of.some(
            (c) =>
              (meta[`/_component_template/${encodeURIComponent(c)}`] as { template: { settings?: unknown } }).template
                .settings,
          ),
        );
      }
    });

    test('a second setup changes nothing and says so', async () => {
      const before = await stub.cmd('meta');
      const r = await run(['setup', '--elasticsearch', stub.url]);
      assert.equal(r.code, 0, r.stderr);
      const steps = r.stdout.split('\n').filter((l) => /template|policy/.test(l));
      assert.equal(steps.length, 6);
      assert.ok(
        steps.every((l) => l.startsWith('unchanged ')),
        r.stdout,
      );
      assert.deepEqual(await stub.cmd('meta'), before);
    });

    test('a changed retention updates the lifecycle policy and nothing else', async () => {
      const dir = tempDir();
      const r = await run(['setup', '--config', esConfig(dir, { hosts: [stub.url], retention: '30d' })]);
      assert.equal(r.code, 0, r.stderr);
      const steps = r.stdout.split('\n').filter((l) => /template|policy/.test(l));
      assert.deepEqual(
        steps.filter((l) => !l.startsWith('unchanged ')),
        ['updated lifecycle policy goneaway-logs'],
      );
      const meta = (await stub.cmd('meta')) as Record<string, { policy: { phases: { delete: { min_age: string } } } }>;
      assert.equal(meta['/_ilm/policy/goneaway-logs']!.policy.phases.delete.min_age, '30d');
    });
  });
}

describe('Kibana saved objects', { skip }, () => {
  let stub: Stub;
  let kibana400: Server;
  let url400 = '';
  before(async () => {
    stub = await startStub();
    // Kibana's answer to an import it refuses (a 400 with a message), e.g. a file that is not NDJSON
    kibana400 = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'Invalid file extension .txt' }));
      });
    });
    await new Promise<void>((r) => kibana400.listen(0, '127.0.0.1', r));
    url400 = `http://127.0.0.1:${(kibana400.address() as { port: number }).port}`;
  });
  after(() => {
    stub?.stop();
    kibana400?.close();
  });

  test('setup --kibana imports the saved objects (multipart, kbn-xsrf, overwrite)', async () => {
    const r = await run([
      'setup',
      '--elasticsearch',
      stub.url,
      '--kibana',
      stub.url,
      '--kibana-objects',
      KIBANA_FIXTURE,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 2 saved object\(s\)/);
    const objects = (await stub.cmd('kibana')) as { type: string; id: string }[];
    assert.deepEqual(objects.map((o) => `${o.type}:${o.id}`).sort(), [
      'index-pattern:goneaway-test-verdicts',
      'search:goneaway-test-search',
    ]);
  });

  test("a 400 from Kibana is reported with Kibana's message and a code", async () => {
    const r = await run(['setup', '--elasticsearch', stub.url, '--kibana', url400, '--kibana-objects', KIBANA_FIXTURE]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /GA_ERR_KIBANA_IMPORT: .*HTTP 400: Invalid file extension \.txt/);
  });
});

describe('indexing with --elasticsearch', { skip }, () => {
  let stub: Stub;
  before(async () => {
    stub = await startStub();
  });
  after(() => stub?.stop());

  test('correlate indexes every event once into the verdicts stream and prints none; a rerun adds nothing', async () => {
    const args = scenario('03_mysql_wait_timeout');
    const events = await printed(args);
    assert.ok(events.length > 0);
    const first = await run([...args, '--elasticsearch', stub.url]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '');
    assert.match(
      first.stderr,
      new RegExp(`${events.length} event\\(s\\): ${events.length} indexed, 0 already present`),
    );
    const docs = (await stub.docs()).filter((d) => d._index === 'logs-goneaway.verdicts-default');
    assert.equal(docs.length, events.length);
    assert.deepEqual(
      docs.map((d) => ({ ...d._source, data_stream: undefined })).sort(byJson),
      events.map((e) => ({ ...e, data_stream: undefined })).sort(byJson),
    );
    const again = await run([...args, '--elasticsearch', stub.url]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`0 indexed, ${events.length} already present, 0 retried, 0 failed`));
    assert.equal(
      (await stub.docs()).filter((d) => d._index === 'logs-goneaway.verdicts-default').length,
      events.length,
    );
  });

  test('parse of a rotated, gzipped copy gives the ids of the live file', async () => {
    const dir = tempDir();
    const live = path.join(LAB, '04_mysql_kill/haproxy.log');
    copyFileSync(live, path.join(dir, 'haproxy.log.1'));
    await pipeline(createReadStream(live), createGzip(), createWriteStream(path.join(dir, 'haproxy.log.2.gz')));
    const a = await run(['parse', '--kind', 'haproxy', live, '--elasticsearch', stub.url]);
    assert.equal(a.code, 0, a.stderr);
    const n = Number(/(\d+) indexed/.exec(a.stderr)![1]);
    assert.ok(n > 0);
    for (const copy of ['haproxy.log.1', 'haproxy.log.2.gz']) {
      const b = await run(['parse', '--kind', 'haproxy', path.join(dir, copy), '--elasticsearch', stub.url]);
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stderr, new RegExp(`0 indexed, ${n} already present`), copy);
    }
  });
});

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('failures lose nothing', { skip }, () => {
  let stub: Stub;
  before(async () => {
    stub = await startStub();
  });
  after(() => stub?.stop());

  test('a 429 storm: documents are sent again until every event is indexed', async () => {
    const args = scenario('05_mysql_max_allowed_packet');
    const events = await printed(args);
    const before = (await stub.docs()).length;
    await stub.cmd('mode', { status: 429, ms: 2500 });
    const r = await run([...args, '--elasticsearch', stub.url]);
    assert.equal(r.code, 0, r.stderr);
    const m = /(\d+) indexed, 0 already present, (\d+) retried, 0 failed/.exec(r.stderr)!;
    assert.equal(Number(m[1]), events.length);
    assert.ok(Number(m[2]) >= events.length, r.stderr);
    assert.ok(((await stub.cmd('stats')) as { rejected: number }).rejected >= events.length);
    assert.equal((await stub.docs()).length, before + events.length);
  });

  test('a 10 s outage at the start of a run: the batch waits and everything is indexed', async () => {
    const args = scenario('06_mysql_restart');
    const events = await printed(args);
    const before = (await stub.docs()).length;
    await stub.cmd('down', { ms: 10_000 });
    const r = await run([...args, '--elasticsearch', stub.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${events.length} indexed, 0 already present`));
    assert.equal((await stub.docs()).length, before + events.length);
  });

  test('an outage longer than max_retry_time: exit 3, a coded error naming the URL and count, and the leftover file holds exactly the missing events', async () => {
    const dir = tempDir();
    const config = esConfig(dir, { hosts: [stub.url], max_retry_time: '2s' });
    const args = scenario('07_haproxy_server_down');
    const events = await printed(args);
    await stub.cmd('down', { ms: 6_000 });
    const r = await run([...args, '--config', config]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(`GA_ERR_ES_UNAVAILABLE: ${events.length} event\\(s\\) not indexed into ${stub.url}`),
    );
    assert.match(r.stderr, /leftover\.ndjson/);
    const leftover = readNdjson(path.join(dir, 'leftover.ndjson')) as {
      _index: string;
      _id: string;
      _source: object;
    }[];
    assert.equal(leftover.length, events.length);
    // once the cluster is back, the same run indexes exactly the documents the leftover file holds
    await stub.waitUp();
    const before = new Set((await stub.docs()).map((d) => d._id));
    const again = await run([...args, '--config', config]);
    assert.equal(again.code, 0, again.stderr);
    const added = (await stub.docs()).filter((d) => !before.has(d._id));
    assert.deepEqual(
      added.map((d) => [d._index, d._id, d._source]).sort(byJson),
      leftover.map((d) => [d._index, d._id, d._source]).sort(byJson),
    );
    assert.equal(
      readFileSync(path.join(dir, 'leftover.ndjson'), 'utf8').split('\n').filter(Boolean).length,
      events.length,
    );
  });

  test('an outage past max_retry_time in a long backfill: the events never sent are saved with the ones that failed', async () => {
    const dir = tempDir();
    // more records than one batch (2,000): the batches after the failed one must be saved too
    const lines = readFileSync(path.join(LAB, '13_mixed/haproxy.log'), 'utf8').split('\n').filter(Boolean);
    const big = path.join(dir, 'haproxy.log');
    writeFileSync(big, Array.from({ length: 4500 }, (_, i) => lines[i % lines.length]).join('\n') + '\n');
    const parse = ['parse', '--kind', 'haproxy', big];
    const n = (await run([...parse, '--format', 'ndjson'])).stdout.split('\n').filter(Boolean).length;
    assert.equal(n, 4500);
    const config = esConfig(dir, { hosts: [stub.url], max_retry_time: '1s' });
    await stub.cmd('down', { ms: 5_000 });
    const r = await run([...parse, '--config', config]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`GA_ERR_ES_UNAVAILABLE: ${n} event\\(s\\) not indexed into ${stub.url}`));
    const leftover = readNdjson(path.join(dir, 'leftover.ndjson')) as { _index: string; _id: string }[];
    assert.equal(new Set(leftover.map((d) => d._id)).size, n);
    await stub.waitUp();
    const before = new Set((await stub.docs()).map((d) => d._id));
    const again = await run([...parse, '--config', config]);
    assert.equal(again.code, 0, again.stderr);
    const added = (await stub.docs()).filter((d) => !before.has(d._id)).map((d) => `${d._index} ${d._id}`);
    assert.deepEqual(added.sort(), leftover.map((d) => `${d._index} ${d._id}`).sort());
  });
});
