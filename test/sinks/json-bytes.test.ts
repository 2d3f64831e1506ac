/**
 * `correlate --format ndjson` writes its events with writeJsonLine (src/sinks/json-bytes.ts), straight
 * into the output buffer instead of JSON.stringify then encode. These tests hold it to
 * `JSON.stringify(value) + '\n'`, byte for byte and key order included, through the real output buffer,
 * line after line (the cached key pieces must never leak one value's bytes into the next), for plain data
 * of any shape, for what JSON.stringify treats specially, and for lines longer than the room reserved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { written } from './lines-written.js';
import { writeJsonLine } from '../../src/sinks/json-bytes.js';

const both = (values: readonly unknown[]) => written(writeJsonLine, values);

// strings of every kind JSON escapes or encodes differently: quotes, backslashes, control characters,
// DEL, non-ASCII, lone surrogates, and long ones (copied natively past 32 characters)
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom('"', '\\', '\u0000\u001f', '\u007f', 'é', '\ud800', 'x'.repeat(40), 'a"b'.repeat(20)),
);
const key = fc.oneof(fc.constantFrom('@timestamp', 'goneaway', 'kind', 'a"b', 'é', ''), fc.string({ maxLength: 6 }));
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 2 ** 31, -(2 ** 31), 1e21, 1.5e-7, NaN, Infinity, -Infinity),
);
const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('tree'), { maxLength: 5 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 6 }),
  ),
}));

test('property: writeJsonLine writes JSON.stringify of the value and a newline, for runs of random plain data', () => {
  fc.assert(
    fc.property(fc.array(fc.dictionary(key, tree, { maxKeys: 8 }), { minLength: 1, maxLength: 20 }), (values) => {
      const { got, want } = both(values);
      assert.equal(got, want);
    }),
    { numRuns: 300 },
  );
});

test('writeJsonLine leaves to JSON.stringify what it treats specially: toJSON, Dates, class instances, functions', () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  const values = [
    { at: new Date(Date.UTC(2026, 10, 23, 9, 40)), n: 1 },
    { custom: { toJSON: () => 'shown' }, f: () => 1, s: Symbol('x'), u: undefined },
    { list: [undefined, () => 1, Symbol('y'), null, 'x'], p: new Point(1, 2) },
    { nested: Object.assign(Object.create(null) as object, { a: 1 }) },
  ];
  const { got, want } = both(values);
  assert.equal(got, want);
});

test('writeJsonLine writes a line longer than the room it reserves (64 KiB) whole, and the lines after it', () => {
  const long = { text: 'é'.repeat(50_000), many: Array.from({ length: 20_000 }, (_, i) => i), after: 1 };
  const values = [{ a: 1 }, long, { b: 'x'.repeat(70_000) }, { c: 2 }];
  const { got, want } = both(values);
  assert.equal(got, want);
});

test('writeJsonLine writes values that are not objects as JSON.stringify does', () => {
  const { got, want } = both(['x', 1, null, true, [1, 'a']]);
  assert.equal(got, want);
});
