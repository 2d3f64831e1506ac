/**
 * A bulk sink on @elastic/elasticsearch-mock, shared by the mock tests: the mock answers `_bulk` with every field a
 * real item has (https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html#bulk-api-response-body)
 * and then applies the request's `filter_path` as Elasticsearch does
 * (https://www.elastic.co/guide/en/elasticsearch/reference/current/common-options.html#common-options-response-filtering).
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, errors } from '@elastic/elasticsearch';
import MockModule from '@elastic/elasticsearch-mock';
import { BulkSink } from '../../../src/sinks/elasticsearch/bulk-sink.js';
import type { OutDoc } from '../../../src/sinks/sink.js';
import { filterPath as filterBench } from '../../../bench/agent/bulk-recorder.js';

// the package is CommonJS (`module.exports = Mocker`) but its types declare a default export
const Mock = MockModule as unknown as new () => InstanceType<typeof MockModule.default>;

export type Action = { create?: { _index: string; _id: string } };
type Item = { create: { _index: string; _id: string; status: number; error?: object; [field: string]: unknown } };

export function docs(n: number, stream = 'logs-goneaway.verdicts-default'): OutDoc[] {
  return Array.from({ length: n }, (_, i) => ({
    stream,
    id: `id-${i}`,
    doc: { '@timestamp': new Date(Date.UTC(2026, 10, 24, 23, 0, i)).toISOString(), n: i },
    position: { file: 'haproxy.log', offset: i * 100 },
  }));
}

/** `filter_path` as Elasticsearch applies it: the bench stand-in's (bench/agent/bulk-recorder.ts) */
export function filterPath(value: unknown, spec: string | undefined): unknown {
  return spec === undefined ? value : filterBench(value, spec);
}

/** a ResponseError as the transport makes it from an answer of this status and body */
export const responseError = (statusCode: number, body: unknown, headers: Record<string, string> = {}) =>
  new errors.ResponseError({ body, statusCode, headers, warnings: null, meta: {} as never });

type Headers = Record<string, string>;
/**
 * The mock's connection, taking a Buffer body as the text it holds: the sink sends its bulk body as bytes
 * (src/sinks/bulk-body.ts), which a real connection sends as they are, but the mock splits the body as a string.
 * `headers` may change the answer's headers (a server that is not Elasticsearch sends no X-Elastic-Product).
 */
function decoding(Base: ReturnType<InstanceType<typeof Mock>['getConnection']>, headers?: (h: Headers) => void) {
  type Params = { body?: unknown };
  type Answer = { headers: Headers };
  const B = Base as unknown as new (...a: unknown[]) => { request(p: Params, o: unknown): Promise<Answer> };
  return class extends B {
    override async request(params: Params, options: unknown) {
      const body = Buffer.isBuffer(params.body) ? params.body.toString('utf8') : params.body;
      const answer = await super.request({ ...params, body }, options);
      headers?.(answer.headers);
      return answer;
    }
  } as unknown as typeof Base;
}

/** what the mock answers for one create: a status, an item's status and error, or an Error for the whole request */
export type ItemAnswer = number | Error | { status: number; error: { type: string; reason: string } };

export interface MockOptions {
  maxRetryTime?: number;
  flushBytes?: number;
  /** the answer to GET / (the sink's version check); without it, the mock's 404 */
  info?: () => unknown;
  /** changes the headers of every answer */
  headers?: (h: Headers) => void;
  /** no leftover file: the caller keeps what is not indexed (the agent's spool) */
  noLeftoverFile?: boolean;
  /** replaces a whole bulk answer (after filter_path) */
  answer?: (full: unknown, request: number) => unknown;
}

/** a sink on a mock whose _bulk answers each create with `status(id, attempt, documents in the request)` */
export function setup(
  status: (id: string, attempt: number, count: number) => ItemAnswer,
  maxRetryTime = 2_000,
  flushBytes = 5_000_000,
  opts: MockOptions = {},
) {
  const mock = new Mock();
  const attempts = new Map<string, number>();
  const requests: Action[][] = [];
  const answers: Array<{ filterPath: string | undefined; full: number; sent: unknown }> = [];
  if (opts.info) mock.add({ method: 'GET', path: '/' }, opts.info as never);
  mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
    const actions = (params.body as Action[]).filter((_, i) => i % 2 === 0);
    requests.push(actions);
    const items: Item[] = [];
    for (const a of actions) {
      const id = a.create!._id;
      const k = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, k);
      const answer = status(id, k, actions.length);
      if (answer instanceof Error) return answer;
      const s = typeof answer === 'number' ? answer : answer.status;
      const error =
        typeof answer === 'object'
          ? answer.error
          : s === 409
            ? {
                type: 'version_conflict_engine_exception',
                reason: `[${id}]: version conflict, document already exists`,
              }
            : s === 400
              ? { type: 'document_parsing_exception', reason: '[1:15] failed to parse field [source.ip] of type [ip]' }
              : s === 429
                ? { type: 'es_rejected_execution_exception', reason: 'rejected execution' }
                : undefined;
      // a real item's fields (the bulk API's response body): the filter must keep what the sink needs
      const written =
        s < 300 ? { _version: 1, result: 'created', _shards: { total: 2, successful: 1, failed: 0 } } : {};
      items.push({
        create: {
          _index: `.ds-${a.create!._index}-000001`,
          _id: id,
          status: s,
          ...written,
          ...(s < 300 ? { _seq_no: k, _primary_term: 1 } : {}),
          ...(error ? { error: { ...error, index_uuid: 'aAsFqTI0Tc2W0LCWgPNrOA', shard: '0' } } : {}),
        },
      });
    }
    const full = { took: 1, errors: items.some((i) => i.create.status >= 300), items };
    const filter = (params.querystring as Record<string, string> | undefined)?.filter_path;
    const sent = filterPath(full, filter);
    answers.push({ filterPath: filter, full: JSON.stringify(full).length, sent });
    return (opts.answer ? opts.answer(sent, requests.length) : sent) as never;
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-es-'));
  const Connection = decoding(mock.getConnection(), opts.headers);
  const client = new Client({ node: 'http://mock:9200', Connection, maxRetries: 0 });
  const sink = new BulkSink({
    client,
    url: 'http://mock:9200',
    maxRetryTime: opts.maxRetryTime ?? maxRetryTime,
    maxRetries: 1,
    flushBytes: opts.flushBytes ?? flushBytes,
    concurrency: 2,
    leftoverFile: opts.noLeftoverFile ? undefined : path.join(dir, 'leftover.ndjson'),
    deadLetterFile: path.join(dir, 'dead.ndjson'),
    backoff: { initial: 10, max: 50 },
  });
  return { sink, requests, attempts, dir, answers };
}

export const lines = (f: string) =>
  existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
