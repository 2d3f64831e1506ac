/**
 * The Elasticsearch sink: every document is a `create` with its deterministic id, sent in `_bulk` requests
 * (`run` below). Nothing is lost (docs/elasticsearch.md#failures):
 * - 201 → indexed; 409 → already present (an earlier run or attempt indexed it), both success;
 * - 429, 5xx or a cluster block (a full disk) on a document → sent again (429: up to `maxRetries` times at once,
 *   then this loop), as is a document the answer left out;
 * - the cluster unreachable, timed out, reset, answering 5xx/429 or a page that is not JSON → the documents not
 *   yet settled are sent again (a 409 then says one had landed), with exponential backoff, until `maxRetryTime`
 *   passes without progress; then they are appended to the leftover file and write() rejects with
 *   GA_ERR_ES_UNAVAILABLE naming the file;
 * - not Elasticsearch 8/9, credentials refused, no data stream (setup not run) → not retried: the documents go to
 *   the leftover file and write() rejects with the code that says which (bulk-failure.ts);
 * - any other 4xx on a document (a mapping rejection) → appended to the dead-letter file with
 *   Elasticsearch's reason and counted.
 */
import type { Client } from '@elastic/elasticsearch';
import { isGoneawayError, type GoneawayError } from '../../errors.js';
import { addAck, emptyAck, type Ack, type OutDoc, type Sink } from '../sink.js';
import { BULK_FILTER_PATH, itemReason, itemVerdict, pairItems } from './bulk-answers.js';
import { copyDoc, emptyChunk, nextChunk, type Chunk } from './bulk-chunks.js';
import { giveUpError, refusalCode, type GaveUp } from './bulk-failure.js';
import { checkVersion, describeFailure, failureKind } from './client.js';
import { appendDeadLetter, LeftoverFile } from './leftover-files.js';
import { PendingDocs } from './pending-docs.js';
import { RetryPacing, sleep } from './retry-pacing.js';

export interface BulkSinkOptions {
  client: Client;
  /** the cluster as shown in messages (no credentials) */
  url: string;
  maxRetryTime: number;
  /** 429 retries of a document inside one bulk run */
  maxRetries: number;
  flushBytes: number;
  concurrency: number;
  /** where documents not indexed are saved; undefined: the caller keeps them (the agent's spool), none is written */
  leftoverFile: string | undefined;
  deadLetterFile: string;
  /** first and longest pause between attempts, ms */
  backoff?: { initial: number; max: number };
}

export class BulkSink implements Sink {
  /** totals over every write(), for the summary */
  readonly total: Ack = emptyAck();
  /** events written to the leftover file */
  leftover = 0;
  private gaveUp: GaveUp | undefined;
  /** an item that says the batch cannot go in as things are (no data stream, no privilege): set by send() */
  private refusal: GaveUp | undefined;
  /** the last answer that left documents pending (a 429, a 5xx, a block, items left out): for messages */
  private lastPending = '';
  /** the cluster answered GET / as Elasticsearch 8 or 9, or could not be asked (the bulk requests will tell) */
  private versionChecked = false;
  private readonly backoff: { initial: number; max: number };
  /** aborted by interrupt(): requests in flight end, retries stop (sink.ts `interrupt`) */
  private readonly stopping = new AbortController();

  constructor(private readonly o: BulkSinkOptions) {
    this.backoff = o.backoff ?? { initial: 500, max: 30_000 };
  }

  async write(batch: OutDoc[]): Promise<Ack> {
    const ack = emptyAck();
    const pending = new PendingDocs(batch);
    const giveUp = (g: GaveUp): GoneawayError => {
      this.gaveUp = g;
      this.spill(pending.docs());
      this.add(ack);
      return this.failure();
    };
    if (pending.left === 0) return this.add(ack);
    const wrong = await this.checkCluster();
    if (wrong) throw giveUp(wrong);
    const pacing = new RetryPacing(this.backoff, this.o.maxRetryTime);
    while (pending.left) {
      const before = pending.left;
      let failure: unknown;
      this.refusal = undefined;
      try {
        ack.retried += await this.run(pending, ack);
      } catch (e) {
        failure = e;
      }
      const left = pending.left;
      if (left === 0) break;
      if (this.stopping.signal.aborted)
        throw giveUp({ code: 'GA_ERR_ES_UNAVAILABLE', why: 'interrupted: the agent is stopping' });
      if (failure !== undefined && failureKind(failure) !== 'retry')
        throw giveUp({ code: refusalCode(failure), why: describeFailure(failure) });
      if (this.refusal) throw giveUp(this.refusal);
      const lastFailure = failure === undefined ? this.lastPending : describeFailure(failure);
      if (left < before) pacing.progressed();
      const remaining = pacing.remaining();
      if (remaining <= 0) throw giveUp({ code: 'GA_ERR_ES_UNAVAILABLE', why: lastFailure });
      ack.retried += left;
      await pacing.pause(remaining, this.stopping.signal);
    }
    return this.add(ack);
  }

  /**
   * Once per sink (again after a failed check): is it Elasticsearch 8 or 9? The 8.x client's compatibility
   * headers are refused by some versions and may be taken by others (docs/elasticsearch.md "Versions"), and a
   * server that is not Elasticsearch may answer anything: the version is read before a document is sent. A check
   * that cannot be made (unreachable: the bulk requests retry; 401/403: an indexing key may lack `monitor`, which
   * GET / needs) is left to the bulk requests.
   */
  private async checkCluster(): Promise<GaveUp | undefined> {
    if (this.versionChecked) return undefined;
    try {
      await checkVersion(this.o.client, this.o.url, this.stopping.signal);
      this.versionChecked = true;
    } catch (e) {
      if (isGoneawayError(e)) return { code: 'GA_ERR_ES_VERSION', why: e.message, fix: e.fix };
      const kind = failureKind(e);
      if (kind === 'version')
        return {
          code: 'GA_ERR_ES_VERSION',
          why: `${this.o.url} does not answer as Elasticsearch (${describeFailure(e)})`,
        };
      // an interrupted check says nothing: the next start checks again
      if (kind !== 'retry' && !this.stopping.signal.aborted) this.versionChecked = true;
    }
    return undefined;
  }

  /**
   * One pass over the pending documents: bulk requests of about `flushBytes`, `concurrency` at a time; settles
   * what it can and returns the 429 re-sends. Not the client's bulk helper: for every document indexed, its
   * onSuccess parses the document's JSON back (`document()`, @elastic/elasticsearch 8.19 lib/helpers.js),
   * which cost the agent as much CPU as writing it (docs/benchmark-agent.md "The agent's loop").
   */
  private async run(pending: PendingDocs, ack: Ack): Promise<number> {
    const places = pending.places();
    let left = true;
    let retried = 0;
    let failure: { e: unknown } | undefined;
    const worker = async () => {
      // after a failed request no new one starts (as the helper): the caller retries what is still pending
      while (!failure && left)
        try {
          // a chunk is written when a worker is free to send it, not all of a batch's chunks first: the bodies
          // alive are one per request in flight, however many megabytes a turn gives (docs/benchmark-agent.md
          // "Bulk bodies the size of a request")
          const chunk = nextChunk(places, pending, this.o.flushBytes);
          if (!chunk) {
            left = false;
            break;
          }
          retried += await this.send(chunk, pending, ack);
          // answered: the client is done with the body (after a failure it may not be: that one is left to the GC)
          chunk.body.recycle();
        } catch (e) {
          failure ??= { e };
        }
    };
    await Promise.all(Array.from({ length: this.o.concurrency }, worker));
    if (failure) throw failure.e;
    return retried;
  }

  /** One bulk request, its 429s sent again up to maxRetries times; returns how many were sent again. */
  private async send(chunk: Chunk, pending: PendingDocs, ack: Ack): Promise<number> {
    let retried = 0;
    for (let attempt = 0; ; attempt++) {
      // a Buffer goes out as it is (@elastic/transport sends a string or Buffer bulk body unserialised)
      let res: unknown;
      try {
        res = await this.o.client.bulk(
          {
            operations: chunk.body.bytes as unknown as Record<string, unknown>[],
            filter_path: BULK_FILTER_PATH,
          },
          { signal: this.stopping.signal },
        );
      } catch (e) {
        if (failureKind(e) !== 'too-large') throw e;
        return retried + (await this.halves(chunk, pending, ack, e));
      }
      // made only when an item is to be sent again: a body takes a spare buffer (bulk-body.ts), and one taken
      // for every request and left to the GC emptied the spares, so that every other body was a new buffer
      let again: Chunk | undefined;
      // items come in request order (docs/elasticsearch.md "Bulk answers"); one left out stays pending
      const items = pairItems(res, chunk.docs);
      if (items.length < chunk.docs.length)
        this.lastPending = `the answer left out ${chunk.docs.length - items.length} of ${chunk.docs.length} document(s)`;
      for (const [i, item] of items) {
        const d = chunk.docs[i]!;
        const verdict = itemVerdict(item);
        if (verdict === 'again') {
          copyDoc((again ??= emptyChunk(this.o.flushBytes)), chunk, i);
          this.lastPending = itemReason(item);
        } else if (verdict === 'indexed') {
          if (pending.settle(chunk.at[i]!)) ack.indexed++;
        } else if (verdict === 'present') {
          if (pending.settle(chunk.at[i]!)) ack.present++;
        } else if (verdict === 'dead') {
          if (pending.settle(chunk.at[i]!)) this.drop(d, item.status ?? 0, item.error, ack);
        } else if (verdict === 'later') this.lastPending = itemReason(item);
        // not-set-up, refused: the document stays pending, and write() gives the batch up with the reason
        else
          this.refusal ??= {
            code: verdict === 'refused' ? 'GA_ERR_ES_REQUEST' : 'GA_ERR_ES_NOT_SET_UP',
            why: itemReason(item),
          };
      }
      // a body of this loop's own (a re-send's) is done with once answered; the first is the caller's to recycle
      if (attempt > 0) chunk.body.recycle();
      if (!again) return retried;
      if (attempt >= this.o.maxRetries || this.stopping.signal.aborted) {
        again.body.recycle();
        return retried;
      }
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
  private async halves(chunk: Chunk, pending: PendingDocs, ack: Ack, e: unknown): Promise<number> {
    if (chunk.docs.length === 1) {
      const d = chunk.docs[0]!;
      if (pending.settle(chunk.at[0]!))
        this.drop(d, 413, { type: 'request_entity_too_large', reason: describeFailure(e) }, ack);
      return 0;
    }
    const mid = chunk.docs.length >> 1;
    let retried = 0;
    for (const [from, to] of [
      [0, mid],
      [mid, chunk.docs.length],
    ] as const) {
      const half = emptyChunk(this.o.flushBytes);
      for (let i = from; i < to; i++) copyDoc(half, chunk, i);
      retried += half.docs.length + (await this.send(half, pending, ack));
      half.body.recycle();
    }
    return retried;
  }

  /** a document Elasticsearch refused (a mapping rejection, 413 alone): to the dead-letter file */
  private drop(d: OutDoc, status: number, error: unknown, ack: Ack): void {
    ack.deadLettered++;
    appendDeadLetter(this.o.deadLetterFile, d, status, error);
  }

  /**
   * Appends documents that will not be indexed to the leftover file, in the shape `_stub/docs` and
   * scripts read. write() does it for its batch when it gives up; the caller does it for the documents
   * it had not sent yet, so that the file holds every event not indexed.
   */
  spill(docs: Iterable<OutDoc>): void {
    const file = new LeftoverFile(this.o.leftoverFile);
    for (const d of docs) {
      this.leftover++;
      file.add(d);
    }
    file.flush();
  }

  /** why write() gave up, once it has */
  get failed(): boolean {
    return this.gaveUp !== undefined;
  }

  /** the coded error naming the URL, every event not indexed so far and the leftover file (bulk-failure.ts) */
  failure(): GoneawayError {
    const g = this.gaveUp ?? { code: 'GA_ERR_ES_UNAVAILABLE' as const, why: 'unknown' };
    return giveUpError(g, {
      url: this.o.url,
      saved: this.leftover,
      file: this.o.leftoverFile,
      maxRetryTime: this.o.maxRetryTime,
    });
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
