/**
 * The official client, configured once: explicit request timeout, no hidden retries (the sink's own
 * loop retries with backoff up to max_retry_time, docs/elasticsearch.md#failures), TLS from ca_file.
 *
 * Client 8.x serves Elasticsearch 8 and 9 alike (docs/elasticsearch.md#versions): it sends
 * `compatible-with=8`, which 8.x takes as its own version and 9.x as the previous major (REST API
 * compatibility); client 9.x sends `compatible-with=9`, which Elasticsearch 8 refuses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Client, ClientOptions } from '@elastic/elasticsearch';
import { GoneawayError } from '../../errors.js';

export interface EsConnection {
  hosts: string[];
  apiKey?: string;
  username?: string;
  password?: string;
  caFile?: string;
  tlsVerify: boolean;
  requestTimeout: number;
}

/** a URL fit for messages: any user:password written into it is removed */
export function shownUrl(u: string): string {
  try {
    const url = new URL(u);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

/** The client package, loaded when a client is made: loading it costs ~0.2 s of CPU (`node --cpu-prof`), which
 *  every `goneaway` start paid, with or without Elasticsearch (a CommonJS package: `require` keeps this sync). */
const esClient = (): typeof import('@elastic/elasticsearch') =>
  createRequire(import.meta.url)('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');

export function makeClient(c: EsConnection): Client {
  const opts: ClientOptions = {
    nodes: c.hosts,
    requestTimeout: c.requestTimeout,
    maxRetries: 0,
    tls: { rejectUnauthorized: c.tlsVerify },
    // An error's metadata holds the request, bulk body included. The default redaction ('replace') copies it key by
    // key to mask secrets: 1.8 s of CPU for each failed 1 MB bulk request (the fault tests timed it), seconds more at
    // 5 MB, for every attempt of an outage. 'remove' drops the headers and connection (the credentials) instead and
    // copies nothing; goneaway reads only an error's status and body (describeFailure).
    redaction: { type: 'remove' },
  };
  if (c.caFile !== undefined) {
    try {
      opts.tls = { ...opts.tls, ca: readFileSync(c.caFile) };
    } catch (e) {
      throw new GoneawayError('GA_ERR_FILE_UNREADABLE', `cannot read ca_file: ${(e as Error).message}`, {
        key: 'output.elasticsearch.ca_file',
        value: c.caFile,
        fix: "give the PEM file of the cluster's certificate authority (config/certs/http_ca.crt)",
      });
    }
  }
  if (c.apiKey !== undefined) opts.auth = { apiKey: c.apiKey };
  else if (c.username !== undefined) opts.auth = { username: c.username, password: c.password ?? '' };
  return new (esClient().Client)(opts);
}

/**
 * What the bulk sink does about a failed request (docs/elasticsearch.md "Failures"):
 * - `retry`: the cluster is away, busy or blocked for now (unreachable, timed out, reset, 408, 429, 5xx, a
 *   proxy's 502, an answer cut short, a cluster block such as the flood-stage disk watermark): the same documents
 *   again, later;
 * - `too-large`: 413, the body is over `http.max_content_length`: sent again in halves;
 * - `version`: not Elasticsearch (no X-Elastic-Product header) or a version that refuses the client's headers;
 * - `not-set-up`: 404 `index_not_found_exception`: the data stream is missing and may not be created;
 * - `refused`: anything else (401/403 security, another 4xx): not retried, the documents are saved.
 */
export type FailureKind = 'retry' | 'too-large' | 'version' | 'not-set-up' | 'refused';

export function failureKind(e: unknown): FailureKind {
  const err = e as { name?: string; meta?: { statusCode?: number; body?: unknown } };
  switch (err?.name) {
    case 'ConnectionError':
    case 'TimeoutError':
    case 'NoLivingConnectionsError':
    case 'DeserializationError':
    case 'MalformedAnswer':
      return 'retry';
    case 'ProductNotSupportedError':
      return 'version';
    case 'ResponseError':
      break;
    default:
      return 'refused';
  }
  const s = err.meta?.statusCode ?? 0;
  const type = errorOf(err.meta?.body)?.type;
  if (s === 413) return 'too-large';
  if (type === 'cluster_block_exception' || s === 408 || s === 429 || s >= 500) return 'retry';
  if (type === 'media_type_header_exception') return 'version';
  if (type === 'index_not_found_exception') return 'not-set-up';
  return 'refused';
}

/** a bulk answer that is not one (a 200 without `items`): the documents it does not answer are sent again */
export class MalformedAnswer extends Error {
  override name = 'MalformedAnswer';
}

function errorOf(body: unknown): { type?: string; reason?: string } | undefined {
  const b = body as { error?: { type?: string; reason?: string } | string } | undefined;
  return b && typeof b === 'object' && b.error && typeof b.error === 'object' ? b.error : undefined;
}

/**
 * A page that is not JSON (a proxy's HTML error page) as a short line: its <title>, or its text without tags, cut
 * at 160 characters — not a whole HTML page in an error message.
 */
function pageText(body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** Elasticsearch's own words for a failed request: status and reason */
export function describeFailure(e: unknown): string {
  const err = e as { name?: string; message?: string; meta?: { statusCode?: number; body?: unknown } };
  const body = err?.meta?.body;
  const error = errorOf(body);
  const reason =
    typeof body === 'string' && body !== ''
      ? `${pageText(body)} (not an Elasticsearch answer)`
      : (error?.reason ?? error?.type ?? err?.message ?? String(e));
  return err?.meta?.statusCode ? `HTTP ${err.meta.statusCode}: ${reason}` : `${err?.name ?? 'error'}: ${reason}`;
}

/** the cluster's version; Elasticsearch 8 and 9 are supported (7.x: docs/elasticsearch.md "Versions") */
export async function checkVersion(client: Client, url: string, signal?: AbortSignal): Promise<string> {
  let info;
  try {
    info = await client.info(undefined, signal ? { signal } : undefined);
  } catch (e) {
    // the client refuses a 2xx without X-Elastic-Product (docs/elasticsearch.md "Versions")
    if ((e as Error)?.name !== 'ProductNotSupportedError') throw e;
    throw new GoneawayError(
      'GA_ERR_ES_VERSION',
      `${url} answers, but not as Elasticsearch (no X-Elastic-Product header: another product, a proxy's own page, or older than 7.14)`,
      {
        key: '--elasticsearch',
        value: url,
        fix: 'point it at an Elasticsearch 8.x or 9.x node (not Kibana, not a proxy page)',
      },
    );
  }
  const v = info.version.number;
  const major = Number(v.split('.')[0]);
  if (major !== 8 && major !== 9) {
    throw new GoneawayError('GA_ERR_ES_VERSION', `${url} runs Elasticsearch ${v}; goneaway supports 8.x and 9.x`, {
      key: '--elasticsearch',
      value: url,
      fix: 'upgrade the cluster to 8.x or 9.x (goneaway uses the 8.x client, which sends compatible-with=8)',
    });
  }
  return v;
}
