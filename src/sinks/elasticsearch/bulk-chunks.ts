/**
 * The documents of one `_bulk` request and its body (bulk-body.ts), as the Elasticsearch sink makes them: the
 * next `flushBytes` of a batch's pending documents, or documents copied from an answered request (the items to
 * send again, the halves of a body too large). A body is closed once it holds `flushBytes`, so each is made in a
 * buffer of that size and one document's room, which it fills without growing.
 */
import { BulkBody } from '../bulk-body.js';
import type { OutDoc } from '../sink.js';
import type { PendingDocs } from './pending-docs.js';

/** a body's room past flushBytes: its last document (a larger one grows the buffer once) */
const BODY_SLACK = 64 * 1024;

export interface Chunk {
  /** the request body: an action line and its document per document, in the order of `docs` */
  body: BulkBody;
  docs: OutDoc[];
  /** each document's place in the batch (PendingDocs) */
  at: number[];
}

export function emptyChunk(flushBytes: number): Chunk {
  return { body: new BulkBody(flushBytes + BODY_SLACK), docs: [], at: [] };
}

/** The next request's documents, about `flushBytes` of them, in batch order; undefined when none are left. */
export function nextChunk(places: Iterator<number>, pending: PendingDocs, flushBytes: number): Chunk | undefined {
  const chunk = emptyChunk(flushBytes);
  for (let r = places.next(); !r.done; r = places.next()) {
    const d = pending.batch[r.value]!;
    chunk.body.add(d);
    chunk.docs.push(d);
    chunk.at.push(r.value);
    if (chunk.body.pos >= flushBytes) return chunk;
  }
  if (chunk.docs.length) return chunk;
  chunk.body.recycle();
  return undefined;
}

/** Appends document `i` of `from` to `to`: its lines as they were sent, its place in the batch. */
export function copyDoc(to: Chunk, from: Chunk, i: number): void {
  to.body.addFrom(from.body, i);
  to.docs.push(from.docs[i]!);
  to.at.push(from.at[i]!);
}
