/**
 * Reading a bulk answer: which item is about which document, and what its status says about it
 * (docs/elasticsearch.md "Failures" and "Bulk answers").
 */
import { MalformedAnswer } from './client.js';

/**
 * The parts of a bulk answer the sink reads (docs/elasticsearch.md "Bulk answers"), per item: its status, its
 * `_id` (pairItems checks the items' order by it and pairs them by it when the order is off) and its error (the
 * dead-letter file's reason). Elasticsearch drops the rest — `errors`, `_index`, `_version`, `result`, `_shards`,
 * `_seq_no`, `_primary_term`, `took` — before sending: a smaller answer to parse.
 */
export const BULK_FILTER_PATH = 'items.*._id,items.*.status,items.*.error';

/** an item of the answer, as the sink's `filter_path` leaves it */
export interface BulkItem {
  _id?: string;
  status?: number;
  error?: { type?: string; reason?: string } & Record<string, unknown>;
}

/**
 * What one item says about its document:
 * - `indexed` (2xx), `present` (409: an earlier run or attempt indexed it);
 * - `again`: 429, sent again at once (`max_retries` times) inside the request's pass;
 * - `later`: 5xx, a cluster block (flood-stage disk watermark: 429 since 7.x, 403 before; a write block: 403), a
 *   408: nothing wrong with the document, the batch loop sends it again with backoff;
 * - `not-set-up`: 404 `index_not_found_exception`: the data stream is missing and may not be created;
 * - `refused`: 401/403 `security_exception`: the credentials may not write there;
 * - `dead`: any other 4xx (a mapping rejection): the dead-letter file, with the reason.
 */
export type ItemVerdict = 'indexed' | 'present' | 'again' | 'later' | 'not-set-up' | 'refused' | 'dead';

export function itemVerdict(item: BulkItem): ItemVerdict {
  const status = item.status ?? 0;
  const type = item.error?.type;
  if (status >= 200 && status < 300) return 'indexed';
  if (status === 409) return 'present';
  if (type === 'cluster_block_exception') return 'later';
  if (status === 429) return 'again';
  if (status >= 500 || status === 408 || status === 0) return 'later';
  if (status === 404 || type === 'index_not_found_exception') return 'not-set-up';
  if (status === 401 || status === 403) return 'refused';
  return 'dead';
}

/** an item's status and Elasticsearch's words, for messages: `HTTP 429 cluster_block_exception: index [..] ...` */
export function itemReason(item: BulkItem): string {
  const e = item.error;
  return `HTTP ${item.status ?? '?'} ${e?.type ?? ''}${e?.reason ? `: ${e.reason}` : ''}`.replace(/ +/g, ' ').trim();
}

/**
 * The items of a bulk answer, each paired with the place of its document in the request. Items come in request
 * order, one per document (the bulk API's contract), and that is how they are read — unless the answer has not
 * one item per document or an item's `_id` is not its place's: then each item goes to a document of its `_id`,
 * and a document no item answers is left out (not settled: sent again). A 200 without `items` at all is thrown
 * as a MalformedAnswer (retried).
 */
export function pairItems(answer: unknown, docs: ReadonlyArray<{ id: string }>): Array<[number, BulkItem]> {
  const raw = (answer as { items?: unknown } | null)?.items;
  if (!Array.isArray(raw)) throw new MalformedAnswer(`a bulk answer without items (${describeBody(answer)})`);
  const items = raw.map((it) => (it && typeof it === 'object' ? (Object.values(it)[0] as BulkItem) : undefined));
  // a document's id read once: a SlabDoc decodes it from its slab at every read (record-bytes.ts)
  const inOrder =
    items.length === docs.length &&
    items.every((it, i) => {
      if (it === undefined) return false;
      const id = docs[i]!.id;
      return (it._id ?? id) === id;
    });
  if (inOrder) return items.map((it, i) => [i, it!]);
  const places = new Map<string, number[]>();
  docs.forEach(({ id }, i) => {
    const list = places.get(id);
    if (list) list.push(i);
    else places.set(id, [i]);
  });
  const out: Array<[number, BulkItem]> = [];
  for (const it of items) {
    const place = it?._id === undefined ? undefined : places.get(it._id)?.shift();
    if (place !== undefined) out.push([place, it!]);
  }
  return out;
}

function describeBody(b: unknown): string {
  const text = typeof b === 'string' ? b : JSON.stringify(b);
  return (text ?? String(b)).slice(0, 80);
}
