/**
 * The bulk sink against @elastic/elasticsearch-mock: what each answer of Elasticsearch does to a batch
 * (docs/elasticsearch.md#failures). Item statuses and error bodies are the ones the bulk API documents
 * (https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html#bulk-api-response-body).
 * The mock answers with every field a real item has and then applies the request's `filter_path` as
 * Elasticsearch does (https://www.elastic.co/guide/en/elasticsearch/reference/current/common-options.html#common-options-response-filtering):
 * every test below runs on the filtered answer the sink asks for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { errors } from '@elastic/elasticsearch';
import { BULK_FILTER_PATH } from '../../../src/sinks/elasticsearch/bulk-answers.js';
import { isGoneawayError } from '../../../src/errors.js';
import type { OutDoc } from '../../../src/sinks/sink.js';
import { docs, filterPath, lines, setup } from './mock-cluster.js';

test('every document is sent as a create into its data stream with its own id', async () => {
  const { sink, requests } = setup(() => 201);
  const batch = [...docs(3), ...docs(2, 'logs-goneaway.records-default').map((d) => ({ ...d, id: `r-${d.id}` }))];
  const ack = await sink.write(batch);
  assert.deepEqual(ack, { indexed: 5, present: 0, deadLettered: 0, retried: 0 });
  assert.deepEqual(
    requests.flat().map((a) => [a.create?._index, a.create?._id]),
    batch.map((d) => [d.stream, d.id]),
  );
});

test('409 (already there) counts as present, not as a failure, and nothing is written to a file', async () => {
  const { sink, dir } = setup((id) => (id === 'id-1' || id === 'id-3' ? 409 : 201));
  const ack = await sink.write(docs(4));
  assert.deepEqual(ack, { indexed: 2, present: 2, deadLettered: 0, retried: 0 });
  assert.deepEqual(lines(path.join(dir, 'dead.ndjson')), []);
  assert.deepEqual(lines(path.join(dir, 'leftover.ndjson')), []);
});

test('a 400 mapping rejection goes to the dead-letter file with Elasticsearch reason and is counted', async () => {
  const { sink, dir } = setup((id) => (id === 'id-2' ? 400 : 201));
  const ack = await sink.write(docs(4));
  assert.deepEqual(ack, { indexed: 3, present: 0, deadLettered: 1, retried: 0 });
  const dead = lines(path.join(dir, 'dead.ndjson'));
  assert.equal(dead.length, 1);
  assert.equal(dead[0]._id, 'id-2');
  assert.equal(dead[0].status, 400);
  assert.match(dead[0].error.reason, /failed to parse field \[source.ip\]/);
  assert.deepEqual(dead[0]._source, docs(4)[2]!.doc);
});

test('the same document twice in a batch (a line read again after a restart): each copy is settled by its own answer', async () => {
  // per id, the first answer is a 429, the second a 201, any later one a 409
  const { sink, attempts } = setup((_, k) => (k === 1 ? 429 : k === 2 ? 201 : 409));
  const [a, b] = docs(2);
  const ack = await sink.write([a!, a!, b!]);
  // a's copies: 429 then 201 in the first request, the refused one 409 when sent again; b: 429, then 201
  assert.deepEqual(ack, { indexed: 2, present: 1, deadLettered: 0, retried: 2 });
  assert.deepEqual([...attempts.values()], [3, 2]);
});

test('documents answered 429 are sent again until indexed', async () => {
  // every document is refused three times: the helper's one retry, then the sink's loop
  const { sink, attempts } = setup((_, k) => (k <= 3 ? 429 : 201));
  const ack = await sink.write(docs(3));
  assert.equal(ack.indexed, 3);
  assert.equal(ack.deadLettered, 0);
  assert.ok(ack.retried >= 9, `retried ${ack.retried}`);
  assert.deepEqual([...attempts.values()], [4, 4, 4]);
});

test('a 503 for the whole request is retried with the batch, and a retried create that already landed is present', async () => {
  let calls = 0;
  const { sink } = setup((id) => {
    if (id === 'id-0') calls++;
    // the first request fails as a whole; the second finds id-0 already indexed (it had landed before the 503)
    if (calls === 1)
      return new errors.ResponseError({
        body: { error: { type: 'unavailable' }, status: 503 },
        statusCode: 503,
        headers: {},
        warnings: null,
        meta: {} as never,
      });
    return id === 'id-0' ? 409 : 201;
  });
  const ack = await sink.write(docs(3));
  assert.deepEqual(ack, { indexed: 2, present: 1, deadLettered: 0, retried: 3 });
});

test('when the cluster stays unreachable past max_retry_time, write rejects with the URL and count and the leftover file holds exactly the batch', async () => {
  const { sink, dir } = setup(() => new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200'), 200);
  const batch = docs(5);
  await assert.rejects(sink.write(batch), (e: unknown) => {
    assert.ok(isGoneawayError(e));
    assert.equal(e.code, 'GA_ERR_ES_UNAVAILABLE');
    assert.match(e.message, /5 event\(s\) not indexed into http:\/\/mock:9200/);
    assert.match(e.message, /leftover\.ndjson/);
    return true;
  });
  const left = lines(path.join(dir, 'leftover.ndjson'));
  assert.deepEqual(
    left.map((l) => [l._index, l._id, l._source]),
    batch.map((d) => [d.stream, d.id, d.doc]),
  );
});

test('an authentication failure is not retried: coded error at once, documents saved', async () => {
  const { sink, dir } = setup(
    () =>
      new errors.ResponseError({
        body: { error: { type: 'security_exception', reason: 'unable to authenticate' }, status: 401 },
        statusCode: 401,
        headers: {},
        warnings: null,
        meta: {} as never,
      }),
    60_000,
  );
  await assert.rejects(sink.write(docs(2)), (e: unknown) => {
    assert.ok(isGoneawayError(e));
    assert.equal(e.code, 'GA_ERR_ES_REQUEST');
    assert.match(e.message, /HTTP 401: unable to authenticate/);
    return true;
  });
  assert.equal(lines(path.join(dir, 'leftover.ndjson')).length, 2);
});

/** Elasticsearch's answer to a body over http.max_content_length (the status the bulk API gives it) */
const tooLarge = () =>
  new errors.ResponseError({
    body: { error: { type: 'content_too_long_exception', reason: 'request body is too large' }, status: 413 },
    statusCode: 413,
    headers: {},
    warnings: null,
    meta: {} as never,
  });

test("a request over the cluster's size limit (413) is sent again in halves until it fits: every document indexed once", async () => {
  const { sink, requests, dir } = setup((_id, _k, count) => (count > 2 ? tooLarge() : 201));
  const ack = await sink.write(docs(5));
  assert.equal(ack.indexed, 5);
  assert.equal(ack.deadLettered, 0);
  const sent = requests.map((r) => r.map((a) => a.create!._id));
  // the first request of 5, then halves of 2 and 3, the 3 in 1 and 2
  assert.deepEqual(sent, [
    ['id-0', 'id-1', 'id-2', 'id-3', 'id-4'],
    ['id-0', 'id-1'],
    ['id-2', 'id-3', 'id-4'],
    ['id-2'],
    ['id-3', 'id-4'],
  ]);
  assert.deepEqual(lines(path.join(dir, 'dead.ndjson')), []);
});

test('one document too large alone (413) goes to the dead-letter file with the status; the others are indexed', async () => {
  const { sink, dir } = setup((id, _k, count) => (count > 1 || id === 'id-1' ? tooLarge() : 201));
  const ack = await sink.write(docs(3));
  assert.deepEqual([ack.indexed, ack.deadLettered], [2, 1]);
  const dead = lines(path.join(dir, 'dead.ndjson'));
  assert.deepEqual(
    dead.map((d) => [d._id, d.status]),
    [['id-1', 413]],
  );
});

test('a batch split over several concurrent bulk requests is settled document by document', async () => {
  // 1 KiB flushes: about six documents per request, two requests in flight; every third one is a 409
  const { sink, requests } = setup((id) => (Number(id.slice(3)) % 3 === 0 ? 409 : 201), 2_000, 1024);
  const ack = await sink.write(docs(60));
  assert.ok(requests.length > 5, `${requests.length} requests`);
  assert.deepEqual(ack, { indexed: 40, present: 20, deadLettered: 0, retried: 0 });
});

test('the bulk requests ask for the per-item fields the sink reads only (filter_path): a smaller answer, every outcome still settled', async () => {
  const { sink, answers, dir } = setup((id, k) => {
    const n = Number(id.slice(3));
    if (n % 4 === 1) return 409;
    if (n % 4 === 2) return 400;
    return n % 4 === 3 && k === 1 ? 429 : 201;
  });
  const ack = await sink.write(docs(20));
  assert.deepEqual({ ...ack, retried: ack.retried > 0 }, { indexed: 10, present: 5, deadLettered: 5, retried: true });
  assert.ok(answers.length > 0);
  for (const a of answers) {
    assert.equal(a.filterPath, BULK_FILTER_PATH);
    const text = JSON.stringify(a.sent);
    assert.ok(text.length < a.full * 0.7, `${text.length} of ${a.full} characters parsed`);
    assert.doesNotMatch(text, /_index|_version|_shards|_seq_no|"took"|"errors"/);
  }
  // the reason Elasticsearch gave still reaches the dead-letter file
  const dead = lines(path.join(dir, 'dead.ndjson'));
  assert.equal(dead.length, 5);
  for (const d of dead) assert.match(d.error.reason, /failed to parse field/);
});

test('filterPath (the mock) keeps what Elasticsearch keeps', () => {
  const body = {
    took: 3,
    errors: true,
    items: [{ create: { _index: 'i', _id: 'a', status: 201 } }, { index: { status: 409, error: { type: 't' } } }],
  };
  assert.deepEqual(filterPath(body, 'errors,items.*._id,items.*.status,items.*.error'), {
    errors: true,
    items: [{ create: { _id: 'a', status: 201 } }, { index: { status: 409, error: { type: 't' } } }],
  });
  assert.deepEqual(filterPath(body, 'took'), { took: 3 });
  assert.deepEqual(filterPath(body, 'nothing'), {});
});

test('requests answered without a re-send take no new body buffer: the bodies answered are reused', async () => {
  const { sink } = setup(() => 201);
  await sink.write(docs(50)); // the first body's buffer, recycled once answered
  // a body buffer is a megabyte (bulk-body.ts); counted while the next batches go out
  const allocUnsafe = Buffer.allocUnsafe;
  let fresh = 0;
  Buffer.allocUnsafe = (size: number) => {
    if (size >= 1 << 20) fresh++;
    return allocUnsafe(size);
  };
  try {
    for (let i = 0; i < 10; i++) assert.equal((await sink.write(docs(50))).indexed, 50);
  } finally {
    Buffer.allocUnsafe = allocUnsafe;
  }
  assert.equal(fresh, 0, `${fresh} new body buffers for 10 requests`);
});

test("a batch of many requests' worth is written a request at a time: the bodies alive are the requests in flight", async () => {
  // each document counts when a body reads it; the mock notes the count as each request arrives
  let read = 0;
  const counted = docs(120).map((d) => {
    const { doc, ...rest } = d;
    return Object.defineProperty(rest, 'doc', { get: () => (read++, doc), enumerable: true }) as OutDoc;
  });
  const readAt: number[] = [];
  const { sink, requests } = setup(
    () => {
      if (readAt.length < requests.length) readAt.push(read);
      return 201;
    },
    2_000,
    1024,
  );
  assert.equal((await sink.write(counted)).indexed, 120);
  assert.ok(requests.length >= 10, `${requests.length} requests`);
  // two requests in flight (concurrency 2): when request k arrives, at most the documents of requests 1..k+1 are
  // written; writing every body first had read all 120 before the first request
  let sent = 0;
  for (let k = 0; k < requests.length; k++) {
    const ahead = sent + requests[k]!.length + (requests[k + 1]?.length ?? 0);
    assert.ok(readAt[k]! <= ahead, `request ${k + 1}: ${readAt[k]} documents written, ${ahead} at most`);
    sent += requests[k]!.length;
  }
});
