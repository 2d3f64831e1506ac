/**
 * The Elasticsearch sink: every document is a `create` with its deterministic id, sent in `_bulk` requests
 * (`run` below). Nothing is lost (docs/elasticsearch.md#failures):
 * - 201 → indexed; 409 → already present (an earlier run or attempt indexed it), both success;
 * - 429 or 5xx on a document → sent again (429: up to `maxRetries` times at once, then this loop);
 * - the cluster unreachable or answering 5xx/429 → the documents not yet settled are sent again, with
 *   exponential backoff, until `maxRetryTime` passes without progress; then they are appended to the
 *   leftover file and write() rejects with GA_ERR_ES_UNAVAILABLE naming the file;
 * - any other 4xx on a document (a mapping rejection) → appended to the dead-letter file with
 *   Elasticsearch's reason and counted.
 */
import { appendFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import { GoneawayError } from '../../errors.js';
import { BulkBody } from '../bulk-body.js';
import { addAck, docOf, emptyAck, type Ack, type OutDoc, type Sink } from '../sink.js';
import { describeFailure, isRetryable } from './client.js';

export interface BulkSinkOptions {
  client: Client;
  /** the cluster as shown in messages (no credentials) */
  url: string;
  maxRetryTime: number;
  /** 429 retries of a document inside one bulk run */
  maxRetries: number;
  flushBytes: number;
  concurrency: number;
  leftoverFile: string;
  deadLetterFile: string;
  /** first and longest pause between attempts, ms */
  backoff?: { initial: number; max: number };
}

/** a pause that an interrupt ends early */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((r) => {
    if (signal.aborted) return r();
    const timer = setTimeout(r, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), r()), { once: true });
  });

/**
 * The parts of a bulk answer the sink reads (docs/elasticsearch.md "Bulk answers"): `errors`, and per
 * item, in request order (documents are settled by their place), its status, its `_id` and its error (the
 * dead-letter file's reason). Elasticsearch drops the rest — `_index`, `_version`, `result`, `_shards`,
 * `_seq_no`, `_primary_term`, `took` — before sending: a smaller answer to parse.
 */
export const BULK_FILTER_PATH = 'errors,items.*._id,items.*.status,items.*.error';

export class BulkSink implements Sink {
  /** totals over every write(), for the summary */
  readonly total: Ack = emptyAck();
  /** events written to the leftover file */
  leftover = 0;
  private gaveUp: { code: 'GA_ERR_ES_REQUEST' | 'GA_ERR_ES_UNAVAILABLE'; why: string } | undefined;
  private readonly backoff: { initial: number; max: number };
  /** aborted by interrupt(): requests in flight end, retries stop (sink.ts `interrupt`) */
  private readonly stopping = new AbortController();

  constructor(private readonly o: BulkSinkOptions) {
    this.backoff = o.backoff ?? { initial: 500, max: 30_000 };
  }

  async write(batch: OutDoc[]): Promise<Ack> {
    const ack = emptyAck();
    // by id: ids are unique across streams (the kind is hashed in), and the same id may come twice
    const pending = new Map<string, OutDoc[]>();
    for (const d of batch) {
      const list = pending.get(d.id);
      if (list) list.push(d);
      else pending.set(d.id, [d]);
    }
    let delay = this.backoff.initial;
    let failingSince: number | undefined;
    let lastFailure = '';
    while (pending.size) {
      const before = countOf(pending);
      let failure: unknown;
      try {
        ack.retried += await this.run(pending, ack);
      } catch (e) {
        failure = e;
      }
      const left = countOf(pending);
      if (left === 0) break;
      if (this.stopping.signal.aborted) {
        this.gaveUp = { code: 'GA_ERR_ES_UNAVAILABLE', why: 'interrupted: the agent is stopping' };
        this.spill([...pending.values()].flat());
        this.add(ack);
        throw this.failure();
      }
      if (failure !== undefined && !isRetryable(failure)) {
        this.gaveUp = { code: 'GA_ERR_ES_REQUEST', why: describeFailure(failure) };
        this.spill([...pending.values()].flat());
        this.add(ack);
        throw this.failure();
      }
      lastFailure = failure === undefined ? '429 Too Many Requests on documents' : describeFailure(failure);
      // progress restarts the clock: max_retry_time is how long the cluster may take nothing
      if (left < before) {
        failingSince = undefined;
        delay = this.backoff.initial;
      }
      failingSince ??= Date.now();
      const remaining = this.o.maxRetryTime - (Date.now() - failingSince);
      if (remaining <= 0) {
        this.gaveUp = { code: 'GA_ERR_ES_UNAVAILABLE', why: lastFailure };
        this.spill([...pending.values()].flat());
        this.add(ack);
        throw this.failure();
      }
      ack.retried += left;
      await sleep(Math.min(delay, remaining), this.stopping.signal);
      delay = Math.min(delay * 2, this.backoff.max);
    }
    return this.add(ack);
  }

  /**
   * One pass over the pending documents: bulk requests of about `flushBytes`, `concurrency` at a time; settles
   * what it can and returns the 429 re-sends. Not the client's bulk helper: for every document indexed, its
   * onSuccess parses the document's JSON back (`document()`, @elastic/elasticsearch 8.19 lib/helpers.js),
   * which cost the agent as much CPU as writing it (docs/benchmark-agent.md "The agent's loop").
   */
  private async run(pending: Map<string, OutDoc[]>, ack: Ack): Promise<number> {
    const chunks: Chunk[] = [];
    // a chunk's body is written once, into a buffer (bulk-body.ts: no strings to join, no second encoding)
    let chunk: Chunk = { body: new BulkBody(), docs: [] };
    for (const list of pending.values())
      for (const d of list) {
        chunk.body.add(d);
        chunk.docs.push(d);
        if (chunk.body.pos >= this.o.flushBytes) {
          chunks.push(chunk);
          chunk = { body: new BulkBody(), docs: [] };
        }
      }
    if (chunk.docs.length) chunks.push(chunk);
    let next = 0;
    let retried = 0;
    let failure: { e: unknown } | undefined;
    const worker = async () => {
      // after a failed request no new one starts (as the helper): the caller retries what is still pending
      while (!failure && next < chunks.length)
        try {
          retried += await this.send(chunks[next++]!, pending, ack);
        } catch (e) {
          failure ??= { e };
        }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, chunks.length) }, worker));
    if (failure) throw failure.e;
    return retried;
  }

  /** One bulk request, its 429s sent again up to maxRetries times; returns how many were sent again. */
  private async send(chunk: Chunk, pending: Map<string, OutDoc[]>, ack: Ack): Promise<number> {
    let retried = 0;
    for (let attempt = 0; ; attempt++) {
      // a Buffer goes out as it is (@elastic/transport sends a string or Buffer bulk body unserialised)
      let res;
      try {
        res = await this.o.client.bulk(
          {
            operations: chunk.body.bytes as unknown as Record<string, unknown>[],
            filter_path: BULK_FILTER_PATH,
          },
          { signal: this.stopping.signal },
        );
      } catch (e) {
        if (!tooLarge(e)) throw e;
        return retried + (await this.halves(chunk, pending, ack, e));
      }
      const again: Chunk = { body: new BulkBody(), docs: [] };
      // items come in request order (docs/elasticsearch.md "Bulk answers")
      res.items.forEach((item, i) => {
        const d = chunk.docs[i]!;
        const r = item.create ?? Object.values(item)[0];
        const status = r?.status ?? 0;
        if (status === 429) {
          again.body.addFrom(chunk.body, i);
          again.docs.push(d);
        } else if (status >= 200 && status < 300) {
          if (settle(pending, d.id)) ack.indexed++;
        } else if (status < 500 && settle(pending, d.id)) this.drop(d, status, r?.error, ack);
        // 5xx on a document says nothing about it: it stays pending for the next attempt
      });
      if (!again.docs.length || attempt >= this.o.maxRetries || this.stopping.signal.aborted) return retried;
      retried += again.docs.length;
      await sleep(this.backoff.initial, this.stopping.signal);
      chunk = again;
    }
  }

  /**
   * A request over the cluster's `http.max_content_length` (413, 100 MB by default; docs/elasticsearch.md
   * "Failures"): the same body would be refused for ever, spooled and drained again, so it is sent again in two
   * halves, down to one document, which goes to the dead-letter file with the status.
   */
  private async halves(chunk: Chunk, pending: Map<string, OutDoc[]>, ack: Ack, e: unknown): Promise<number> {
    if (chunk.docs.length === 1) {
      const d = chunk.docs[0]!;
      if (settle(pending, d.id))
        this.drop(d, 413, { type: 'request_entity_too_large', reason: describeFailure(e) }, ack);
      return 0;
    }
    const mid = chunk.docs.length >> 1;
    let retried = 0;
    for (const [from, to] of [
      [0, mid],
      [mid, chunk.docs.length],
    ] as const) {
      const half: Chunk = { body: new BulkBody(), docs: chunk.docs.slice(from, to) };
      for (let i = from; i < to; i++) half.body.addFrom(chunk.body, i);
      retried += half.docs.length + (await this.send(half, pending, ack));
    }
    return retried;
  }

  /** a document Elasticsearch refused: 409 is already there; any other 4xx goes to the dead-letter file */
  private drop(d: OutDoc, status: number, error: unknown, ack: Ack): void {
    if (status === 409) {
      ack.present++;
      return;
    }
    ack.deadLettered++;
    const line = { _index: d.stream, _id: d.id, status, error: error ?? null, _source: docOf(d) };
    appendFileSync(this.o.deadLetterFile, JSON.stringify(line) + '\n');
  }

  /**
   * Appends documents that will not be indexed to the leftover file, in the shape `_stub/docs` and
   * scripts read. write() does it for its batch when it gives up; the caller does it for the documents
   * it had not sent yet, so that the file holds every event not indexed.
   */
  spill(docs: Iterable<OutDoc>): void {
    let lines: string[] = [];
    const flush = () => {
      if (lines.length) appendFileSync(this.o.leftoverFile, lines.join('\n') + '\n');
      lines = [];
    };
    for (const d of docs) {
      lines.push(JSON.stringify({ _index: d.stream, _id: d.id, _source: docOf(d) }));
      this.leftover++;
      if (lines.length >= 1000) flush();
    }
    flush();
  }

  /** why write() gave up, once it has */
  get failed(): boolean {
    return this.gaveUp !== undefined;
  }

  /** the coded error naming the URL, every event not indexed so far and the leftover file */
  failure(): GoneawayError {
    const g = this.gaveUp ?? { code: 'GA_ERR_ES_UNAVAILABLE' as const, why: 'unknown' };
    const n = this.leftover;
    const file = this.o.leftoverFile;
    if (g.code === 'GA_ERR_ES_REQUEST')
      return new GoneawayError(
        'GA_ERR_ES_REQUEST',
        `${this.o.url} refused the bulk request (${g.why}); ${n} event(s) not indexed were written to ${file}`,
        {
          key: 'output.elasticsearch',
          value: this.o.url,
          fix: 'check the credentials and the privileges (create_doc, auto_configure on logs-goneaway.*-*)',
        },
      );
    return new GoneawayError(
      'GA_ERR_ES_UNAVAILABLE',
      `${n} event(s) not indexed into ${this.o.url} after retrying for ${Math.round(this.o.maxRetryTime / 1000)} s (last: ${g.why}); they were written to ${file}`,
      {
        key: 'output.elasticsearch.hosts',
        value: this.o.url,
        fix: 'bring the cluster back and index the file again (goneaway keeps ids: nothing is indexed twice), or raise max_retry_time',
      },
    );
  }

  private add(a: Ack): Ack {
    addAck(this.total, a);
    return a;
  }

  interrupt(): void {
    this.stopping.abort();
  }

  async close(): Promise<void> {
    await this.o.client.close();
  }
}

interface Chunk {
  /** the request body: an action line and its document per document, in the order of `docs` */
  body: BulkBody;
  docs: OutDoc[];
}

/** takes one document of this id off the pending ones; the document, or undefined if none was pending */
function settle(pending: Map<string, OutDoc[]>, id: string): OutDoc | undefined {
  const list = pending.get(id);
  const d = list?.shift();
  if (list && list.length === 0) pending.delete(id);
  return d;
}

function countOf(pending: Map<string, OutDoc[]>): number {
  let n = 0;
  for (const l of pending.values()) n += l.length;
  return n;
}

/** Elasticsearch's answer to a request body over `http.max_content_length` */
function tooLarge(e: unknown): boolean {
  const err = e as { name?: string; meta?: { statusCode?: number } };
  return err?.name === 'ResponseError' && err.meta?.statusCode === 413;
}
