/**
 * The data streams (docs/elasticsearch.md#data-streams): `logs-goneaway.verdicts-<namespace>` and
 * `logs-goneaway.records-<namespace>`, named after Elastic's data stream naming scheme
 * (type-dataset-namespace), so Kibana's `logs-*` data view and the built-in logs lifecycle see them.
 */
import type { Doc } from '../../../parsers/types.js';
import { docId, type IdentityCache } from '../doc-id.js';
import type { OutDoc } from '../sink.js';

export type Dataset = 'goneaway.verdicts' | 'goneaway.records';

export const DATASETS: readonly Dataset[] = ['goneaway.verdicts', 'goneaway.records'];

export function streamName(dataset: Dataset, namespace: string): string {
  return `logs-${dataset}-${namespace}`;
}

const fields = new Map<string, Readonly<Record<string, string>>>();

/**
 * The constant data_stream.* fields every document of the stream carries: one object per stream, shared by its
 * documents (one object fewer per document; nothing writes to it).
 */
export function streamFields(dataset: Dataset, namespace: string): Readonly<Record<string, string>> {
  const key = `${dataset}\n${namespace}`;
  let f = fields.get(key);
  if (!f) fields.set(key, (f = Object.freeze({ type: 'logs', dataset, namespace })));
  return f;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * A verdict or record document → what the sink takes. The id comes from the record the document is
 * about (log.file.path, log.offset, event.original): the app record for an app error, the HAProxy
 * line for a connection event, the record itself for `parse`.
 */
export function toOutDoc(
  dataset: Dataset,
  namespace: string,
  ids: IdentityCache,
  doc: Doc,
  kind: string,
): OutDoc & { doc: Doc } {
  const log = (doc.log ?? {}) as { file?: { path?: string }; offset?: number };
  const file = str(log.file?.path) ?? '';
  const offset = typeof log.offset === 'number' ? log.offset : 0;
  const text =
    str((doc.event as { original?: unknown } | undefined)?.original) ??
    JSON.stringify((doc.goneaway as { evidence?: unknown } | undefined)?.evidence ?? doc);
  return {
    stream: streamName(dataset, namespace),
    id: outDocId(dataset, ids, kind, file, offset, text),
    doc: { ...doc, data_stream: streamFields(dataset, namespace) },
    position: { file, offset },
  };
}

/** the id of a document of `dataset` about the record `text` at `offset` of `file` (log.file.path) */
export function outDocId(
  dataset: Dataset,
  ids: IdentityCache,
  kind: string,
  file: string,
  offset: number,
  text: string,
): string {
  // the dataset is hashed in too: a parsed app_error record and its verdict differ
  return docId(file ? ids.of(file) : '', `${dataset}:${kind}`, offset, text);
}
