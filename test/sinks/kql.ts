/**
 * The fields a KQL query names, and whether each is mapped: enough of KQL for the queries the README
 * and the saved objects use (`field : value`, `field < n`, `not`, `and`/`or`, parentheses).
 * KQL syntax: https://www.elastic.co/guide/en/kibana/current/kuery-query.html
 */
import type { estypes } from '@elastic/elasticsearch';
import { propertyAt } from '../../src/sinks/elasticsearch/field-types.js';

/** [field, value] pairs of a query (the value is '' for range comparisons and `field : *`) */
export function kqlTerms(q: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  // `field : ("a" or "b")` names its first value here; the field is what the mapping check needs
  const re = /([A-Za-z_@][\w.@]*)\s*(:|<=|>=|<|>)\s*\(?\s*(?:"((?:[^"\\]|\\.)*)"|([^\s()]+))/g;
  for (const m of q.matchAll(re)) out.push([m[1]!, m[2] === ':' ? (m[3] ?? m[4] ?? '') : '']);
  return out;
}

/** the query's fields that the mapping lacks */
export function unmappedFields(m: estypes.MappingTypeMapping, q: string): string[] {
  return kqlTerms(q)
    .map(([f]) => f)
    .filter((f) => propertyAt(m, f) === undefined);
}
