// PLACEHOLDER until es-event merges
/**
 * Minimal explicit mappings so that `goneaway setup` and its tests run before the es-event branch
 * brings the full ones. Fields not listed are kept in _source and not indexed (dynamic: false).
 */
import type { estypes } from '@elastic/elasticsearch';

const common: Record<string, estypes.MappingProperty> = {
  '@timestamp': { type: 'date' },
  data_stream: {
    properties: {
      type: { type: 'constant_keyword' },
      dataset: { type: 'constant_keyword' },
      namespace: { type: 'constant_keyword' },
    },
  },
  event: { properties: { original: { type: 'keyword', index: false, doc_values: false } } },
  log: { properties: { file: { properties: { path: { type: 'keyword' } } }, offset: { type: 'long' } } },
  error: { properties: { code: { type: 'keyword' }, message: { type: 'match_only_text' } } },
};

export const verdictMappings: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    ...common,
    goneaway: {
      properties: {
        kind: { type: 'keyword' },
        terminated_by: { type: 'keyword' },
        cause: { type: 'keyword' },
        confidence: { type: 'float' },
        why: { type: 'match_only_text' },
        join: { properties: { method: { type: 'keyword' }, candidates: { type: 'integer' } } },
      },
    },
    source: { properties: { ip: { type: 'ip' }, port: { type: 'long' } } },
    mysql: { properties: { instance: { type: 'keyword' }, thread_id: { type: 'long' } } },
  },
};

export const recordMappings: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    ...common,
    goneaway: { properties: { kind: { type: 'keyword' } } },
  },
};
