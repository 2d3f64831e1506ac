/**
 * Where documents go when they are not printed: the CLI's `--elasticsearch` and, later, the agent use
 * the same small contract (in the spirit of Vector's sinks and undici's dispatcher: one call per batch,
 * one promise that settles only when the batch is safe).
 */

/** the place in a log file a document came from; the agent checkpoints only acknowledged positions */
export interface Position {
  /** the file as the user named it (log.file.path) */
  file: string;
  /** byte offset of the record's first byte in the decompressed text */
  offset: number;
}

interface OutDocBase {
  /** the data stream, e.g. logs-goneaway.verdicts-default */
  stream: string;
  /** deterministic id (src/sinks/doc-id.ts): re-sending the same event is a no-op */
  id: string;
  position: Position;
}

/**
 * A document to index: as an object (`doc`), or already written as its JSON text in UTF-8 without a newline
 * (`json`: the agent's tcplog record documents, src/sinks/elasticsearch/record-bytes.ts), never both.
 */
export type OutDoc = OutDocBase &
  ({ doc: Record<string, unknown>; json?: undefined } | { json: Uint8Array; doc?: undefined });

/** the document as an object (a `json` one is parsed: for the rare paths, dead letters, leftovers) */
export function docOf(d: OutDoc): Record<string, unknown> {
  if (d.doc) return d.doc;
  const json = d.json;
  return JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.length).toString('utf8')) as Record<string, unknown>;
}

/** what happened to a batch; every document is counted exactly once in indexed, present or deadLettered */
export interface Ack {
  indexed: number;
  /** already in the index (409 on create): an earlier run or an earlier attempt indexed it */
  present: number;
  /** rejected by the cluster (e.g. a mapping conflict) and written to the dead-letter file */
  deadLettered: number;
  /** documents sent again after a 429, a 5xx or an unreachable cluster (a document may count several times) */
  retried: number;
}

export interface Sink {
  /**
   * Resolves when every document is indexed, already present or dead-lettered. Rejects with a coded
   * GoneawayError when the retry time ran out, after the documents not indexed were saved to a file.
   */
  write(batch: OutDoc[]): Promise<Ack>;
  /**
   * Stop waiting for the destination (the agent's SIGTERM while Elasticsearch is away): requests in flight are
   * aborted and every write in progress or to come rejects at once instead of retrying, so that the caller can
   * keep its documents elsewhere (the disk spool) or leave their positions unacknowledged, and stop in time.
   */
  interrupt?(): void;
  close(): Promise<void>;
}

export const emptyAck = (): Ack => ({ indexed: 0, present: 0, deadLettered: 0, retried: 0 });

export function addAck(total: Ack, a: Ack): Ack {
  total.indexed += a.indexed;
  total.present += a.present;
  total.deadLettered += a.deadLettered;
  total.retried += a.retried;
  return total;
}
