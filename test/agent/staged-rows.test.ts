import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StagedRows } from '../../src/agent/staged-rows.js';
import type { SessionRow } from '../../src/correlate/session-table.js';

const name = fc.constantFrom('--', 'CD', 'sD', 'mysql_ro', 'replica1', 'replica2', '10.0.0.7', '-', 'é-ß', '');
const row: fc.Arbitrary<SessionRow> = fc
  .record({
    accept: fc.integer({ min: 0, max: 2 ** 41 }),
    end: fc.integer({ min: 0, max: 2 ** 41 }),
    state: name,
    clientIp: name,
    clientPort: fc.integer({ min: -1, max: 65535 }),
    frontend: name,
    backend: name,
    server: name,
    pid: fc.option(fc.integer({ min: 1, max: 2 ** 22 }), { nil: undefined }),
    bytesRead: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
    file: fc.constantFrom('/var/log/haproxy.log', '/var/log/haproxy.log.1'),
    offset: fc.integer({ min: 0, max: 2 ** 40 }),
    // lines of every size the window keeps (up to 2,000 characters and the ellipsis), in any script
    text: fc.string({ unit: 'binary', maxLength: 2001, size: 'medium' }),
  })
  .map((r) => ({ ...r })); // a plain object, as the window's rows are (fast-check's have no prototype)

test('staged rows come out first in, first out, each equal to the row put in, through growth and renewal', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(row, fc.constantFrom(0, 0, 1, 1, 2)), { maxLength: 400, size: 'medium' }),
      (steps) => {
        // a small buffer for the lines: renewed often, with rows in it or without, and grown for a long line
        const staged = new StagedRows('file', 512);
        const waiting: Array<[number, SessionRow]> = [];
        let time = 0;
        for (const [r, takes] of steps) {
          staged.add(++time, r);
          waiting.push([time, r]);
          // the merge releases some, at times none, so the staged rows' text moves within and between buffers
          for (let n = 0; n < takes && waiting.length; n++) {
            const [t, want] = waiting.shift()!;
            assert.equal(staged.headTime, t);
            assert.equal(staged.headOffset, want.offset);
            assert.deepEqual(staged.take(), want);
          }
          assert.equal(staged.size, waiting.length);
        }
        for (const [t, want] of waiting) {
          assert.equal(staged.headTime, t);
          assert.deepEqual(staged.take(), want);
        }
        assert.equal(staged.headOffset, undefined);
      },
    ),
  );
});

test('taking from an empty staging is an error, not a row of stale columns', () => {
  const staged = new StagedRows('file');
  assert.throws(() => staged.take(), RangeError);
});
