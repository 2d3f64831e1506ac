/**
 * The Elasticsearch output of `correlate` and `parse`, loaded only when a run may use it: `--elasticsearch`, or
 * `output.elasticsearch` in the config (es-output.ts then decides). Loaded at every start, its modules (the bulk
 * sink, the document ids, the output schema, the secrets) cost ~15-25 ms of CPU on a run that prints its output
 * (docs/performance.md "Loaded by what a run reads").
 */
import type { Config } from '../config/schema.js';

export type EsOutput = typeof import('./es-output.js') &
  typeof import('../sinks/elasticsearch/streams.js') &
  typeof import('../sinks/doc-id.js');

/** The ES output's modules, when the flag or the config names a cluster; undefined otherwise (nothing loaded). */
export function loadEsOutput(flag: string | undefined, cfg: Config): Promise<EsOutput> | undefined {
  if (flag === undefined && cfg.output.elasticsearch === undefined) return undefined;
  return Promise.all([
    import('./es-output.js'),
    import('../sinks/elasticsearch/streams.js'),
    import('../sinks/doc-id.js'),
  ]).then(([out, streams, ids]) => ({ ...out, ...streams, ...ids }));
}
