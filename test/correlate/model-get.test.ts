/**
 * get(doc, 'a.b.c') (src/correlate/model.ts) reads a document's field by its dotted path, the keys of
 * each path split once and cached. It must read what walking the path key by key reads, for any path
 * (empty keys, leading, trailing and doubled dots) and any document (missing fields, nulls, arrays,
 * strings on the way), also when a path is asked again after the cache holds it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { get } from '../../src/correlate/model.js';
import type { Doc } from '../../parsers/types.js';

/** the walk, one key between two dots at a time (a trailing dot ends it; '' is the document itself) */
function walk(doc: unknown, path: string): unknown {
  let cur = doc;
  let i = 0;
  while (i < path.length) {
    const j = path.indexOf('.', i);
    const key = j === -1 ? path.slice(i) : path.slice(i, j);
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
    if (j === -1) break;
    i = j + 1;
  }
  return cur;
}

const key = fc.constantFrom('a', 'b', '', '0', 'length', 'x.y');
const path = fc.array(fc.constantFrom('a', 'b', '', '0', 'length'), { maxLength: 4 }).map((k) => k.join('.'));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, 1, 'ab', true),
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
  ),
}));

test('property: get reads what walking the dotted path key by key reads, asked once or again', () => {
  fc.assert(
    fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), path, (doc, p) => {
      assert.deepEqual(get(doc as Doc, p), walk(doc, p));
      assert.deepEqual(get(doc as Doc, p), walk(doc, p));
    }),
    { numRuns: 1000 },
  );
});

test('get of the empty path is the document; trailing and doubled dots as the walk reads them', () => {
  const doc = { a: { '': { b: 2 }, b: 1 }, '': { a: 3 } } as unknown as Doc;
  for (const p of ['', 'a', 'a.', 'a..b', '.a', 'a.b.', 'a.b.c'])
    assert.deepEqual(get(doc, p), walk(doc, p), `path ${JSON.stringify(p)}`);
});
