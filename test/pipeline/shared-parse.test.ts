// A parse shared by the clock-offset pre-pass (a look-ahead that stops anywhere) and correlate's main pass
// (src/pipeline/shared-parse.ts): the main reader must get exactly what a parse of its own gives, and the
// look-ahead's records must be the same objects (one parse per line, not a second one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { newCounts, parseFile, type ParsedRecord } from '../../src/pipeline/parse-file.js';
import { sharedParse } from '../../src/pipeline/shared-parse.js';
import { makeZone } from '../../parsers/time.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const FILE = path.join(ROOT, 'examples/lab/13_mixed/haproxy.log');
const ctx = () => ({ zone: makeZone('UTC'), zoneGiven: true });
const view = (r: ParsedRecord) => JSON.stringify(r.doc);

function ownParse(): { docs: string[]; counts: ReturnType<typeof newCounts> } {
  const counts = newCounts(FILE, 'haproxy');
  return { docs: [...parseFile(FILE, 'haproxy', ctx(), counts)].map(view), counts };
}

test('after a look-ahead stopped anywhere, the main reader gets every record and the counts of a parse of its own', () => {
  const own = ownParse();
  assert.ok(own.docs.length > 100, 'the example file has records');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: own.docs.length + 5 }), fc.boolean(), (stop, twice) => {
      const s = sharedParse(FILE, 'haproxy', ctx());
      const ahead: ParsedRecord[] = [];
      // a second look-ahead re-reads what the first one read, then goes on parsing
      for (let pass = 0; pass < (twice ? 2 : 1); pass++) {
        ahead.length = 0;
        for (const r of s.head()) {
          if (ahead.length >= stop) break;
          ahead.push(r);
        }
      }
      const main = [...s.claim()!];
      assert.deepEqual(main.map(view), own.docs);
      assert.deepEqual(s.counts, own.counts);
      ahead.forEach((r, i) => assert.equal(main[i], r, `record ${i} was parsed again`));
    }),
    { numRuns: 25 },
  );
});

test('the records are claimed once, and the look-ahead sees none after the claim', () => {
  const s = sharedParse(FILE, 'haproxy', ctx());
  const main = s.claim()!;
  assert.equal(s.claim(), undefined);
  assert.ok(!main.next().done);
  assert.equal([...s.head()].length, 0);
});
