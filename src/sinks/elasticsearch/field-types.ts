/**
 * Field types for the Elasticsearch mappings, and the step from a flat table of dotted paths to the
 * nested `properties` Elasticsearch takes. Types follow ECS and Elastic's haproxy/mysql integrations
 * (docs/elasticsearch-field-types.md).
 */
import type { estypes } from '@elastic/elasticsearch';

export type Property = estypes.MappingProperty;

export const keyword: Property = { type: 'keyword', ignore_above: 1024 };
/** long free text: searched by words, scored rarely (ECS uses it for `message`, `error.message`) */
export const matchOnlyText: Property = { type: 'match_only_text' };
export const date: Property = { type: 'date' };
export const long: Property = { type: 'long' };
export const float: Property = { type: 'float' };
export const ip: Property = { type: 'ip' };
export const bool: Property = { type: 'boolean' };
/** ECS `event.original`: kept in _source for reading, neither indexed nor aggregatable */
export const notIndexed: Property = { type: 'keyword', index: false, doc_values: false };
/** URLs and raw request lines: searched with leading wildcards (ECS `url.original`) */
export const wildcard: Property = { type: 'wildcard' };
/** a bag of keys not known in advance (HAProxy samples, goneaway.evidence): one field, keyword leaves */
export const flattened: Property = { type: 'flattened', ignore_above: 1024 };

/**
 * The dotted paths of every leaf of T: arrays stand for their elements, objects for their fields.
 * `LeafPath<{ a: { b: string }; c: number[] }>` is `'a.b' | 'c'`.
 */
export type LeafPath<T, P extends string = ''> = T extends readonly (infer E)[]
  ? LeafPath<E, P>
  : T extends object
    ? { [K in keyof T & string]-?: LeafPath<NonNullable<T[K]>, P extends '' ? K : `${P}.${K}`> }[keyof T & string]
    : P;

/** nested `properties` from flat dotted paths ('a.b.c' → { a: { properties: { b: { properties: { c } } } } }) */
export function toProperties(fields: Readonly<Record<string, Property>>): Record<string, Property> {
  const root: Record<string, Property> = {};
  for (const path of Object.keys(fields).sort()) {
    const parts = path.split('.');
    let level = root;
    for (const part of parts.slice(0, -1)) {
      const node = (level[part] ??= { properties: {} });
      if (!('properties' in node) || node.properties === undefined)
        throw new Error(`mapping: ${path} lies under ${part}, which is a leaf field`);
      level = node.properties;
    }
    const leaf = parts[parts.length - 1]!;
    if (level[leaf] !== undefined) throw new Error(`mapping: ${path} is both a leaf and an object`);
    level[leaf] = fields[path]!;
  }
  return root;
}

/** the property at a dotted path, and the flattened field above it when the path lies inside one */
export function propertyAt(
  mapping: estypes.MappingTypeMapping,
  path: string,
): { property: Property; inFlattened: boolean } | undefined {
  let props = mapping.properties;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const p = props?.[parts[i]!];
    if (p === undefined) return undefined;
    if (i === parts.length - 1) return { property: p, inFlattened: false };
    if (p.type === 'flattened') return { property: p, inFlattened: true };
    props = 'properties' in p ? p.properties : undefined;
  }
  return undefined;
}

/** can Elasticsearch index this JSON value into this field (what a test checks of every emitted leaf) */
export function accepts(p: Property, v: unknown, inFlattened: boolean): boolean {
  if (inFlattened) return v === null || ['string', 'number', 'boolean'].includes(typeof v);
  switch (p.type) {
    case 'keyword':
    case 'wildcard':
    case 'match_only_text':
    case 'text':
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    case 'date':
      return typeof v === 'string' && Number.isFinite(Date.parse(v));
    case 'ip':
      return typeof v === 'string' && /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$/.test(v);
    case 'long':
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float':
    case 'double':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return false;
  }
}
