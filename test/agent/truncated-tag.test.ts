/**
 * Which record gets the `truncated` tag (src/agent/agent.ts holdsCut): the one a cut line belongs to — a
 * one-line record, or the multi-line record (a MySQL general-log query, a Python traceback) whose text the cut
 * line continues; not the records before or after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { holdsCut } from '../../src/agent/agent.js';
import { ParsedRecord } from '../../src/pipeline/record.js';

/** a record at `offset` shown as `text`; `rawBytes`: its length in the file when the text is redacted */
const rec = (offset: number, text: string, rawBytes?: number) =>
  new ParsedRecord('mysql_general', undefined, undefined, {}, offset, text, 'general.log', undefined, rawBytes);

test('a cut continuation line marks the multi-line record it belongs to, and only that one', () => {
  // records: [0, "Query\tSELECT\n  long…"] then [20, "next"]; the cut line starts at 13, inside the first
  const cut = [13];
  assert.equal(holdsCut(cut, rec(0, 'Query\tSELECT\n' + 'x'.repeat(6))), true);
  assert.deepEqual(cut, [], 'taken once');
  assert.equal(holdsCut(cut, rec(20, 'next')), false);
});

test('a redacted record is measured by its bytes in the file, not by its shorter shown text', () => {
  // "Query\tSELECT 'a long literal'\n  more" shown as "Query\tSELECT ?\n  more": the cut line at 30 is its own
  const raw = "Query\tSELECT 'a long literal'\n" + '  more';
  const shown = 'Query\tSELECT ?\n  more';
  const cut = [raw.indexOf('  more')];
  assert.equal(holdsCut(cut, rec(0, shown, Buffer.byteLength(raw))), true);
  assert.deepEqual(cut, []);
});

test('each record is marked exactly when one of the cut lines starts inside it (records in file order)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.boolean()), { minLength: 1, maxLength: 20 }),
      (spec) => {
        // each record: n lines of 3 bytes ("ab\n"), one of its lines cut or none
        let offset = 0;
        const records: Array<{ r: ParsedRecord; cut: boolean }> = [];
        const cut: number[] = [];
        for (const [lines, isCut] of spec) {
          const text = Array.from({ length: lines }, () => 'ab').join('\n');
          if (isCut) cut.push(offset + 3 * (lines - 1));
          records.push({ r: rec(offset, text), cut: isCut });
          offset += 3 * lines;
        }
        for (const { r, cut: want } of records) assert.equal(holdsCut(cut, r), want);
        assert.deepEqual(cut, []);
      },
    ),
  );
});
