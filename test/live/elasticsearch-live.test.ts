/**
 * Live suite: a real Elasticsearch (and Kibana) on ES_URL (and KIBANA_URL). Runs `goneaway setup`, indexes
 * every scenario of examples/lab, and reads the counts back with `_count` and a terms aggregation by
 * cause. Credentials: ES_API_KEY, or ES_USERNAME + ES_PASSWORD (KIBANA_* the same, else the cluster's);
 * ES_CA_FILE and ES_TLS_VERIFY=false for a self-signed cluster. See README "Elasticsearch" for the
 * `docker run` lines (8.x and 9.x). Without ES_URL the suite is reported as skipped, with the reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeClient } from '../../src/sinks/elasticsearch/client.js';
import { ROOT } from '../cli/paths.js';
import { LAB, printed, run, scenario, tempDir } from '../sinks/elasticsearch/stand-in.js';

const ES_URL = process.env.ES_URL;
const KIBANA_URL = process.env.KIBANA_URL;
const skip = ES_URL ? false : 'ES_URL is not set: the live Elasticsearch suite needs a real cluster (see README)';
// a namespace of its own per run, so the counts read back are this run's alone
const NS = `live${Date.now().toString(36)}`;
const env = process.env;

function config(dir: string): string {
  const es: Record<string, unknown> = { hosts: [ES_URL], namespace: NS, tls_verify: env.ES_TLS_VERIFY !== 'false' };
  // secrets stay in the environment: the config names them (${VAR}), as a user's would
  if (env.ES_API_KEY) es.api_key = '${ES_API_KEY}';
  else if (env.ES_USERNAME) Object.assign(es, { username: env.ES_USERNAME, password: '${ES_PASSWORD}' });
  if (env.ES_CA_FILE) es.ca_file = env.ES_CA_FILE;
  Object.assign(es, {
    leftover_file: path.join(dir, 'leftover.ndjson'),
    dead_letter_file: path.join(dir, 'dead.ndjson'),
  });
  const output: Record<string, unknown> = { elasticsearch: es };
  if (KIBANA_URL) {
    const kb: Record<string, unknown> = { url: KIBANA_URL, tls_verify: env.ES_TLS_VERIFY !== 'false' };
    if (env.KIBANA_API_KEY) kb.api_key = '${KIBANA_API_KEY}';
    else if (env.KIBANA_USERNAME) Object.assign(kb, { username: env.KIBANA_USERNAME, password: '${KIBANA_PASSWORD}' });
    output.kibana = kb;
  }
  const file = path.join(dir, 'goneaway.yaml');
  writeFileSync(file, JSON.stringify({ output }));
  return file;
}

// skip on each test (not the suite) so that the runner counts them as skipped, with the reason
describe('live Elasticsearch', () => {
  const dir = tempDir();
  let cfg = '';
  const client = () =>
    makeClient({
      hosts: [ES_URL!],
      apiKey: env.ES_API_KEY,
      username: env.ES_API_KEY ? undefined : env.ES_USERNAME,
      password: env.ES_PASSWORD,
      caFile: env.ES_CA_FILE,
      tlsVerify: env.ES_TLS_VERIFY !== 'false',
      requestTimeout: 30_000,
    });
  const verdicts = `logs-goneaway.verdicts-${NS}`;
  const records = `logs-goneaway.records-${NS}`;

  before(() => {
    cfg = config(dir);
  });
  after(async () => {
    if (!ES_URL) return;
    const c = client();
    await c.indices.deleteDataStream({ name: [verdicts, records] }, { ignore: [404] });
    await c.close();
  });

  test('setup installs the templates (and the Kibana objects when KIBANA_URL is set)', { skip }, async () => {
    const args = ['setup', '--config', cfg];
    const bundled = path.join(ROOT, 'config/kibana');
    const hasBundled = existsSync(bundled) && readdirSync(bundled).some((n) => n.endsWith('.ndjson'));
    if (KIBANA_URL && !hasBundled)
      args.push('--kibana-objects', path.join(ROOT, 'test/fixtures/kibana/objects.ndjson'));
    const r = await run(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /index template logs-goneaway\.verdicts/);
    if (KIBANA_URL) assert.match(r.stdout, /imported \d+ saved object/);
    const again = await run(['setup', '--config', cfg]);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(
      again.stdout
        .split('\n')
        .filter((l) => /template|policy/.test(l))
        .every((l) => l.startsWith('unchanged')),
      again.stdout,
    );
  });

  test('indexing examples/lab: _count and the aggregation by cause match what correlate prints', { skip }, async () => {
    const scenarios = readdirSync(LAB).filter((d) => existsSync(path.join(LAB, d, 'haproxy.log')));
    const want = new Map<string, number>();
    let total = 0;
    for (const s of scenarios) {
      const args = scenario(s);
      for (const e of await printed(args)) {
        const cause = (e.goneaway as { cause: string }).cause;
        want.set(cause, (want.get(cause) ?? 0) + 1);
        total++;
      }
      const r = await run([...args, '--config', cfg]);
      assert.equal(r.code, 0, `${s}: ${r.stderr}`);
    }
    const c = client();
    try {
      await c.indices.refresh({ index: verdicts });
      assert.equal((await c.count({ index: verdicts })).count, total);
      const res = await c.search({
        index: verdicts,
        size: 0,
        aggs: { cause: { terms: { field: 'goneaway.cause', size: 100 } } },
      });
      const buckets = (res.aggregations!.cause as { buckets: { key: string; doc_count: number }[] }).buckets;
      assert.deepEqual(new Map(buckets.map((b) => [b.key, b.doc_count])), want);
    } finally {
      await c.close();
    }
    // rerunning a scenario adds nothing
    const again = await run([...scenario(scenarios[0]!), '--config', cfg]);
    assert.match(again.stderr, / 0 indexed, \d+ already present, \d+ retried, 0 failed/);
  });

  test('parse backfills records: _count matches the records parsed', { skip }, async () => {
    const file = path.join(LAB, '13_mixed/haproxy.log');
    const r = await run(['parse', '--kind', 'haproxy', file, '--config', cfg]);
    assert.equal(r.code, 0, r.stderr);
    const n = Number(/(\d+) indexed/.exec(r.stderr)![1]);
    assert.ok(n > 0);
    const c = client();
    try {
      await c.indices.refresh({ index: records });
      assert.equal((await c.count({ index: records })).count, n);
    } finally {
      await c.close();
    }
  });
});
