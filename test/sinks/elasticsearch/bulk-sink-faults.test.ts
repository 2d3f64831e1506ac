/**
 * The bulk sink against a cluster in trouble (@elastic/elasticsearch-mock; mock-cluster.ts): each answer of
 * docs/elasticsearch.md "Failures", and what must hold under it — nothing lost (indexed, present, dead-lettered or
 * saved to the leftover file), nothing dead-lettered that a retry or a setup would index, the same `_id`s on every
 * attempt, and a coded error with the fix when the sink gives up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { errors } from '@elastic/elasticsearch';
import { isGoneawayError, type ErrorCode } from '../../../src/errors.js';
import { docs, lines, responseError, setup } from './mock-cluster.js';

/**
 * The flood-stage block as Elasticsearch words it on a document: status 429 since 7.x, 403 before
 * (https://github.com/elastic/elasticsearch/pull/58410).
 */
const floodStage = (status: number) => ({
  status,
  error: {
    type: 'cluster_block_exception',
    reason: `index [logs-goneaway.verdicts-default] blocked by: [${status === 429 ? 'TOO_MANY_REQUESTS' : 'FORBIDDEN'}/12/disk usage exceeded flood-stage watermark, index has read-only-allow-delete block];`,
  },
});

/** nginx's answer when the cluster behind it does not answer: an HTML page, not JSON */
const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';

/** write() must reject with `code`; returns the error for more checks */
async function rejectsWith(p: Promise<unknown>, code: ErrorCode) {
  let err: unknown;
  await assert.rejects(p, (e: unknown) => ((err = e), true));
  assert.ok(isGoneawayError(err), String(err));
  assert.equal(err.code, code, err.message);
  return err;
}

const ids = (rows: Array<{ _id: string }>) => rows.map((r) => r._id).sort();

test('a 500 or 503 on a document is sent again until indexed, not dead-lettered', async () => {
  const { sink, attempts, dir } = setup((id, k) => (k === 1 ? (id === 'id-1' ? 500 : 503) : 201));
  const ack = await sink.write(docs(3));
  assert.deepEqual([ack.indexed, ack.deadLettered], [3, 0]);
  assert.deepEqual([...attempts.values()], [2, 2, 2]);
  assert.deepEqual(lines(path.join(dir, 'dead.ndjson')), []);
});

for (const status of [429, 403])
  test(`the flood-stage disk block (${status} cluster_block_exception) on documents: sent again with backoff until the disk is freed, never dead-lettered`, async () => {
    const { sink, attempts, dir } = setup((_, k) => (k <= 4 ? floodStage(status) : 201), 5_000);
    const ack = await sink.write(docs(4));
    assert.deepEqual([ack.indexed, ack.deadLettered], [4, 0]);
    assert.ok([...attempts.values()].every((n) => n === 5));
    assert.deepEqual(lines(path.join(dir, 'dead.ndjson')), []);
  });

test('a flood-stage block that outlasts max_retry_time: GA_ERR_ES_UNAVAILABLE says the disk is full and how to free it; the batch is saved', async () => {
  const { sink, dir } = setup(() => floodStage(429), 150);
  const e = await rejectsWith(sink.write(docs(3)), 'GA_ERR_ES_UNAVAILABLE');
  assert.match(e.message, /flood-stage watermark/);
  assert.match(e.fix ?? '', /free disk space/);
  assert.deepEqual(ids(lines(path.join(dir, 'leftover.ndjson'))), ids(docs(3).map((d) => ({ _id: d.id }))));
  assert.deepEqual(lines(path.join(dir, 'dead.ndjson')), []);
});

test('the whole request refused by a cluster block (403 cluster read-only) is retried, not taken for a permission error', async () => {
  const block = responseError(403, {
    error: { type: 'cluster_block_exception', reason: 'blocked by: [FORBIDDEN/6/cluster read-only (api)];' },
    status: 403,
  });
  const { sink } = setup((_, k) => (k === 1 ? block : 201));
  const ack = await sink.write(docs(2));
  assert.equal(ack.indexed, 2);
});

test('404 index_not_found_exception (no data stream, and the cluster may not create one): not retried, GA_ERR_ES_NOT_SET_UP names goneaway setup, the documents of that stream are saved', async () => {
  const batch = [...docs(2), ...docs(3, 'logs-goneaway.records-default').map((d) => ({ ...d, id: `r-${d.id}` }))];
  const { sink, attempts, dir } = setup(
    (id) =>
      id.startsWith('r-')
        ? {
            status: 404,
            error: {
              type: 'index_not_found_exception',
              reason: 'no such index [logs-goneaway.records-default] and [action.auto_create_index] is [false]',
            },
          }
        : 201,
    60_000,
  );
  const e = await rejectsWith(sink.write(batch), 'GA_ERR_ES_NOT_SET_UP');
  assert.match(e.message, /no such index \[logs-goneaway\.records-default\]/);
  assert.match(e.fix ?? '', /goneaway setup --elasticsearch http:\/\/mock:9200/);
  assert.deepEqual([sink.total.indexed, sink.total.deadLettered], [2, 0]);
  assert.deepEqual(ids(lines(path.join(dir, 'leftover.ndjson'))), ['r-id-0', 'r-id-1', 'r-id-2']);
  assert.ok(
    [...attempts.values()].every((n) => n === 1),
    'sent once: a retry cannot create the stream',
  );
});

test('a 403 security_exception on documents (no privilege on the stream) stops as a refused request: saved, not dead-lettered', async () => {
  const { sink, dir } = setup(
    () => ({
      status: 403,
      error: {
        type: 'security_exception',
        reason:
          'action [indices:data/write/bulk[s]] is unauthorized for API key id [k] of user [goneaway] on indices [logs-goneaway.verdicts-default]',
      },
    }),
    60_000,
  );
  const e = await rejectsWith(sink.write(docs(2)), 'GA_ERR_ES_REQUEST');
  assert.match(e.message, /is unauthorized/);
  assert.match(e.fix ?? '', /create_doc/);
  assert.equal(lines(path.join(dir, 'leftover.ndjson')).length, 2);
  assert.deepEqual(lines(path.join(dir, 'dead.ndjson')), []);
});

for (const status of [500, 502, 504])
  test(`a ${status} for the whole request is retried with the same _ids`, async () => {
    const { sink, requests } = setup((_, k) => (k === 1 ? responseError(status, { error: 'x' }) : 201));
    const ack = await sink.write(docs(3));
    assert.equal(ack.indexed, 3);
    assert.deepEqual(
      requests[0]!.map((a) => a.create!._id),
      requests[1]!.map((a) => a.create!._id),
    );
  });

test("a proxy's HTML error page (502, not JSON) is retried, and reported as a line, not as the page", async () => {
  const page = responseError(502, NGINX_502, { 'content-type': 'text/html' });
  const { sink } = setup(() => page, 150);
  const e = await rejectsWith(sink.write(docs(2)), 'GA_ERR_ES_UNAVAILABLE');
  assert.match(e.message, /HTTP 502: 502 Bad Gateway \(not an Elasticsearch answer\)/);
  assert.doesNotMatch(e.message, /<html|<center/);
});

test('a request timeout after the documents landed: sent again under the same _ids, and the 409s count them present', async () => {
  const landed = new Set<string>();
  const { sink, requests } = setup((id, k) => {
    if (k === 1) {
      landed.add(id);
      return new errors.TimeoutError('Request timed out');
    }
    return landed.has(id) ? 409 : 201;
  });
  const ack = await sink.write(docs(3));
  assert.deepEqual([ack.indexed, ack.present, ack.deadLettered], [0, 3, 0]);
  assert.deepEqual(
    requests[1]!.map((a) => a.create!._id),
    ['id-0', 'id-1', 'id-2'],
  );
});

test('a connection reset mid-answer (some documents landed, some not): all sent again; each counted once, as indexed or present', async () => {
  const landed = new Set(['id-0', 'id-2']);
  const { sink } = setup((id, k) =>
    k === 1 ? new errors.ConnectionError('other side closed') : landed.has(id) ? 409 : 201,
  );
  const ack = await sink.write(docs(4));
  assert.deepEqual([ack.indexed, ack.present], [2, 2]);
});

test('a 200 with errors: true and items left out: the documents not answered are sent again, the answered ones are not', async () => {
  const { sink, attempts } = setup(() => 201, 2_000, 5_000_000, {
    answer: (a, n) => {
      const b = a as { items: unknown[] };
      return n === 1 ? { errors: true, items: b.items.slice(0, 2) } : a;
    },
  });
  const ack = await sink.write(docs(5));
  assert.equal(ack.indexed, 5);
  assert.deepEqual(
    [...attempts.entries()],
    [
      ['id-0', 1],
      ['id-1', 1],
      ['id-2', 2],
      ['id-3', 2],
      ['id-4', 2],
    ],
  );
});

test('an answer whose items are not in request order is read by _id: the rejected document is the one dead-lettered', async () => {
  const { sink, dir } = setup((id) => (id === 'id-0' ? 400 : 201), 2_000, 5_000_000, {
    answer: (a) => {
      const b = a as { items: unknown[] };
      return { ...b, items: [...b.items].reverse() };
    },
  });
  const ack = await sink.write(docs(3));
  assert.deepEqual([ack.indexed, ack.deadLettered], [2, 1]);
  assert.deepEqual(ids(lines(path.join(dir, 'dead.ndjson'))), ['id-0']);
});

test('a 200 that is not a bulk answer (a text page, or JSON cut short) is retried', async () => {
  for (const broken of ['<html>portal</html>', '{"errors":false,"items":[{"create":']) {
    const { sink } = setup(() => 201, 2_000, 5_000_000, {
      answer: (a, n) => (n === 1 ? broken : a),
      // the cut JSON comes as JSON (the transport fails to parse it); the page as text
      headers: (h) => {
        if (h['content-type']?.startsWith('text/plain') && broken.startsWith('{'))
          h['content-type'] = 'application/json';
      },
    });
    const ack = await sink.write(docs(2));
    assert.equal(ack.indexed, 2, broken);
  }
});

test('a server that is not Elasticsearch (no X-Elastic-Product header): GA_ERR_ES_VERSION before any document is sent, the batch saved', async () => {
  const { sink, requests, dir } = setup(() => 201, 60_000, 5_000_000, {
    info: () => ({ version: { number: '8.15.0' } }),
    headers: (h) => delete h['x-elastic-product'],
  });
  const e = await rejectsWith(sink.write(docs(2)), 'GA_ERR_ES_VERSION');
  assert.match(e.message, /not as Elasticsearch \(no X-Elastic-Product header/);
  assert.match(e.fix ?? '', /Elasticsearch 8\.x or 9\.x/);
  assert.equal(requests.length, 0);
  assert.equal(lines(path.join(dir, 'leftover.ndjson')).length, 2);
});

test('Elasticsearch 7.17: GA_ERR_ES_VERSION names the version and the fix before any document is sent', async () => {
  const { sink, requests, dir } = setup(() => 201, 60_000, 5_000_000, {
    info: () => ({ version: { number: '7.17.25' }, tagline: 'You Know, for Search' }),
  });
  const e = await rejectsWith(sink.write(docs(2)), 'GA_ERR_ES_VERSION');
  assert.match(e.message, /runs Elasticsearch 7\.17\.25; goneaway supports 8\.x and 9\.x/);
  assert.match(e.fix ?? '', /upgrade the cluster/);
  assert.equal(requests.length, 0);
  assert.equal(lines(path.join(dir, 'leftover.ndjson')).length, 2);
});

test("a bulk request refused for the client's media type (400 media_type_header_exception) is GA_ERR_ES_VERSION", async () => {
  const refused = responseError(400, {
    error: {
      type: 'media_type_header_exception',
      reason: 'Invalid media-type value on headers [Accept, Content-Type]',
    },
    status: 400,
  });
  const { sink } = setup(() => refused, 60_000);
  const e = await rejectsWith(sink.write(docs(1)), 'GA_ERR_ES_VERSION');
  assert.match(e.message, /Invalid media-type value/);
});

test('an indexing key that may not read GET / (403) still indexes: the version check is left to the bulk requests', async () => {
  const { sink } = setup(() => 201, 2_000, 5_000_000, {
    info: () =>
      responseError(403, {
        error: { type: 'security_exception', reason: 'action [cluster:monitor/main] is unauthorized' },
        status: 403,
      }),
  });
  assert.equal((await sink.write(docs(2))).indexed, 2);
});

test('without a leftover file (the agent, whose spool keeps the batch) a write given up writes nothing and says the events are kept', async () => {
  const { sink, dir } = setup(() => 503, 150, undefined, { noLeftoverFile: true });
  const e = await rejectsWith(sink.write(docs(3)), 'GA_ERR_ES_UNAVAILABLE');
  assert.match(e.message, /3 event\(s\) not indexed .* kept to be sent again/);
  assert.equal(sink.leftover, 3, 'counted all the same');
  assert.deepEqual(readdirSync(dir), [], 'no file written');
});
