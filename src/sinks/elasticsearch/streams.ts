/**
 * The data streams (docs/elasticsearch.md#data-streams): `logs-goneaway.verdicts-<namespace>` and
 * `logs-goneaway.records-<namespace>`, named after Elastic's data stream naming scheme
 * (type-dataset-namespace), so Kibana's `logs-*` data view and the built-in logs lifecycle see them.
 */
export type Dataset = 'goneaway.verdicts' | 'goneaway.records';

export const DATASETS: readonly Dataset[] = ['goneaway.verdicts', 'goneaway.records'];

export function streamName(dataset: Dataset, namespace: string): string {
  return `logs-${dataset}-${namespace}`;
}

/** the constant data_stream.* fields every document of the stream carries */
export function streamFields(dataset: Dataset, namespace: string): Record<string, string> {
  return { type: 'logs', dataset, namespace };
}
