/**
 * The documents of one BulkSink.write() not settled yet (neither indexed, present nor dead-lettered), by their
 * place in the batch: a request's documents carry their places, and an answer's item settles the document at its
 * place. The same id may come twice in a batch; each copy is settled by its own answer.
 *
 * Why places, not a map by id: a map of a turn's ~5,000 ids, a list per id, and its table grown and shrunk as they
 * settle, were objects that lived until the bulk answer came — past several scavenges at 20,000 lines/s: promoted
 * (docs/benchmark-agent.md "Documents as one object, 2026-12-07"). A byte per document does the same.
 */
import type { OutDoc } from '../sink.js';

export class PendingDocs {
  /** 1 where the document at that place was settled */
  private readonly settled: Uint8Array;
  /** how many documents are still pending */
  left: number;

  constructor(readonly batch: readonly OutDoc[]) {
    this.settled = new Uint8Array(batch.length);
    this.left = batch.length;
  }

  /** takes the document at place `at` off the pending ones; false when it was settled already */
  settle(at: number): boolean {
    if (this.settled[at]) return false;
    this.settled[at] = 1;
    this.left--;
    return true;
  }

  /** the places of the documents still pending, in batch order */
  *places(): Generator<number> {
    for (let i = 0; i < this.batch.length; i++) if (!this.settled[i]) yield i;
  }

  /** the documents still pending, in batch order */
  *docs(): Generator<OutDoc> {
    for (const i of this.places()) yield this.batch[i]!;
  }
}
