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

/** a request failure worth retrying: unreachable, timed out, 429 or 5xx */
export function isRetryable(e: unknown): boolean {
  const err = e as { name?: string; meta?: { statusCode?: number } };
  if (err?.name === 'ConnectionError' || err?.name === 'TimeoutError' || err?.name === 'NoLivingConnectionsError')
    return true;
  if (err?.name === 'ResponseError') {
    const s = err.meta?.statusCode ?? 0;
    return s === 429 || s >= 500;
  }
  return false;
}

/** Elasticsearch's own words for a failed request: status and reason */
export function describeFailure(e: unknown): string {
  const err = e as { name?: string; message?: string; meta?: { statusCode?: number; body?: unknown } };
  const body = err?.meta?.body as { error?: { type?: string; reason?: string } } | undefined;
  const reason = body?.error?.reason ?? body?.error?.type ?? err?.message ?? String(e);
  return err?.meta?.statusCode ? `HTTP ${err.meta.statusCode}: ${reason}` : `${err?.name ?? 'error'}: ${reason}`;
}
