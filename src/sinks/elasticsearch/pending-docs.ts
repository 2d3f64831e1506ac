/**
 * The documents of one BulkSink.write() not settled yet (neither indexed, present nor dead-lettered), by id: ids
 * are unique across streams (the kind is hashed in, src/sinks/doc-id.ts), and the same id may come twice.
 */
import type { OutDoc } from '../sink.js';

export type PendingDocs = Map<string, OutDoc[]>;

/** a batch's documents by id, in batch order */
export function pendingById(batch: OutDoc[]): PendingDocs {
  const pending: PendingDocs = new Map();
  for (const d of batch) {
    const list = pending.get(d.id);
    if (list) list.push(d);
    else pending.set(d.id, [d]);
  }
  return pending;
}

/** takes one document of this id off the pending ones; the document, or undefined if none was pending */
export function settle(pending: PendingDocs, id: string): OutDoc | undefined {
  const list = pending.get(id);
  const d = list?.shift();
  if (list && list.length === 0) pending.delete(id);
  return d;
}

/** how many documents are still pending */
export function countOf(pending: PendingDocs): number {
  let n = 0;
  for (const l of pending.values()) n += l.length;
  return n;
}
