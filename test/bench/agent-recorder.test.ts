/**
 * The agent bench's recording `_bulk` stand-in (bench/agent/bulk-recorder.ts): it parses bulk NDJSON,
 * answers every create 201, records one arrival per document keyed by (log.file.path, log.offset) —
 * nested or dotted fields — and counts the rest; the official client accepts it as Elasticsearch 8.
 * Bulk body and answer shapes: https://www.elastic.co/guide/en/elasticsearch/reference/8.15/docs-bulk.html
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Client } from '@elastic/elasticsearch';
import { BulkRecorder, filterPath, lineKey } from '../../bench/agent/bulk-recorder.js';
import { BULK_FILTER_PATH } from '../../src/sinks/elasticsearch/bulk-answers.js';
import { RecorderThread } from '../../bench/agent/recorder-thread.js';

const doc = (path: string, offset: number) =>
  JSON.stringify({ '@timestamp': '2026-11-23T09:40:00Z', log: { file: { path }, offset }, event: { original: 'x' } });

test('every create is answered 201 and recorded once per document, with the time of its request', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('/l/a.log', '/l/b.log'), fc.nat(1e9)), { minLength: 1, maxLength: 40 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      (docs, at) => {
        const r = new BulkRecorder(() => 0);
        const body = docs
          .map(([p, o]) => `{"create":{"_index":"logs-goneaway.records-default"}}\n${doc(p, o)}\n`)
          .join('');
        const answer = r.bulk(body, at);
        assert.equal(answer.errors, false);
        assert.equal(answer.items.length, docs.length);
        for (const it of answer.items) assert.equal((it as { create: { status: number } }).create.status, 201);
        for (const p of ['/l/a.log', '/l/b.log']) {
          const mine = docs.filter(([q]) => q === p).map(([, o]) => o);
          const got = r.arrivals.get(p);
          assert.deepEqual(got ? [...got.offsets.view()] : [], mine);
          assert.ok(!got || [...got.times.view()].every((t) => t === at));
        }
        assert.equal(r.counts.byIndex.get('logs-goneaway.records'), docs.length);
      },
    ),
  );
});

test('dotted field names count like nested ones; records without a line key, bad lines and verdicts are not arrivals', () => {
  assert.deepEqual(lineKey({ 'log.file.path': '/x', 'log.offset': 5 }), { path: '/x', offset: 5 });
  assert.deepEqual(lineKey({ log: { 'file.path': '/x', offset: 7 } }), { path: '/x', offset: 7 });
  assert.equal(lineKey({ log: { file: { path: '/x' } } }), undefined);
  const r = new BulkRecorder(() => 0);
  const body = [
    '{"create":{"_index":"logs-goneaway.verdicts-default","_id":"v1"}}',
    // a verdict quotes the line it was decided on: not that line arriving again
    '{"goneaway":{"cause":"haproxy_timeout_client"},"log":{"file":{"path":"/x"},"offset":5}}',
    '{"create":{"_index":"logs-goneaway.records-default"}}',
    '{"event":{"original":"a record with no file position"}}',
    '{"create":{"_index":"logs-goneaway.records-default"}}',
    'not json',
    '{"delete":{"_index":"logs-goneaway.records-default","_id":"gone"}}',
    '',
  ].join('\n');
  const answer = r.bulk(body, 1);
  assert.equal(answer.items.length, 4);
  assert.deepEqual(answer.items[0], {
    create: { _index: 'logs-goneaway.verdicts-default', _id: 'v1', _version: 1, result: 'created', status: 201 },
  });
  assert.equal(r.counts.unkeyed, 1);
  assert.equal(r.counts.malformed, 1);
  assert.equal(r.counts.byIndex.get('logs-goneaway.verdicts'), 1);
  assert.equal(r.arrivals.size, 0);
});

test('the official client takes the stand-in for Elasticsearch 8: info, index template, bulk create', async () => {
  const r = new BulkRecorder();
  const url = await r.listen();
  const client = new Client({ node: url });
  try {
    const info = await client.info();
    assert.match(info.version.number, /^8\./);
    await client.indices.putIndexTemplate({
      name: 'logs-goneaway.records',
      index_patterns: ['logs-goneaway.records-*'],
    });
    const tpl = await client.indices.getIndexTemplate({ name: 'logs-goneaway.records' });
    assert.equal(tpl.index_templates[0]?.name, 'logs-goneaway.records');
    const before = performance.timeOrigin + performance.now();
    const res = await client.bulk({
      operations: [
        { create: { _index: 'logs-goneaway.records-default' } },
        JSON.parse(doc('/l/a.log', 0)) as object,
        { create: { _index: 'logs-goneaway.records-default' } },
        JSON.parse(doc('/l/a.log', 181)) as object,
      ],
    });
    assert.equal(res.errors, false);
    assert.deepEqual(
      res.items.map((i) => i.create?.status),
      [201, 201],
    );
    const a = r.arrivals.get('/l/a.log')!;
    assert.deepEqual([...a.offsets.view()], [0, 181]);
    assert.ok(a.times.at(0) >= before, 'arrival stamped on the bench clock');
  } finally {
    await client.close();
    await r.close();
  }
});

test('in its worker thread the stand-in hands back every arrival and its counts', async () => {
  const rt = new RecorderThread();
  try {
    const url = await rt.listen();
    const body = `{"create":{"_index":"logs-goneaway.records-ns"}}\n${doc('/l/c.log', 42)}\n`;
    const res = await fetch(`${url}/_bulk`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-elastic-product'), 'Elasticsearch');
    const got = await rt.finish();
    assert.deepEqual([...got.arrivals.get('/l/c.log')!.offsets], [42]);
    assert.equal(got.counts.bulkRequests, 1);
  } finally {
    await rt.terminate();
  }
});

// Elasticsearch's response filtering (https://www.elastic.co/guide/en/elasticsearch/reference/8.15/common-options.html#common-options-response-filtering):
// the sink asks for BULK_FILTER_PATH, and the bench must answer as small as Elasticsearch would, or it
// measures the agent parsing fields a real cluster never sends
test('a bulk request with filter_path is answered with only the paths asked for, as Elasticsearch does', async () => {
  const r = new BulkRecorder();
  const url = await r.listen();
  try {
    const body = [
      '{"create":{"_index":"logs-goneaway.records-default","_id":"a1"}}',
      doc('/l/a.log', 0),
      '{"create":{"_index":"logs-goneaway.records-default","_id":"a2"}}',
      doc('/l/a.log', 9),
      '',
    ].join('\n');
    const post = async (query: string) =>
      (await (
        await fetch(`${url}/_bulk${query}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-ndjson' },
        })
      ).json()) as Record<string, unknown>;
    const filtered = await post(`?filter_path=${encodeURIComponent(BULK_FILTER_PATH)}`);
    assert.deepEqual(filtered, {
      items: [{ create: { _id: 'a1', status: 201 } }, { create: { _id: 'a2', status: 201 } }],
    });
    const whole = await post('');
    assert.equal(whole.took, 1);
    assert.equal((whole.items as Array<{ create: { result: string } }>)[1]!.create.result, 'created');
  } finally {
    await r.close();
  }
});

test('filter_path keeps a nested value whole, matches any key with *, and drops what no path names', () => {
  const v = { took: 3, errors: true, items: [{ index: { _id: 'x', status: 400, error: { type: 't', reason: 'r' } } }] };
  assert.deepEqual(filterPath(v, 'items.*.error'), { items: [{ index: { error: { type: 't', reason: 'r' } } }] });
  assert.deepEqual(filterPath(v, 'took, errors'), { took: 3, errors: true });
  assert.deepEqual(filterPath(v, 'nothing.here'), {});
});
