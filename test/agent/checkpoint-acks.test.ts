/**
 * The checkpoint of a file advances over the acknowledged prefix of the records handed out, whatever order the
 * acknowledgements come in (checkpoints.ts keeps the records waiting as arrays and finds an acknowledgement's record
 * by offset): checked against a plain model on thousands of records (past the arrays' compaction), with
 * acknowledgements repeated and for offsets never handed out, which are counted as stale and change nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import type { FileIdentity } from '../../src/agent/inputs/identity.js';
import { tmp } from './helpers.js';

const ID: FileIdentity = { dev: '1', ino: '7', fingerprint: 'f', fingerprintBytes: 1 };

test('property: the position is the first record not acknowledged, in any order of acknowledgements', async () => {
  const store = await CheckpointStore.open(tmp('cp-acks'));
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1200, maxLength: 3000 }),
      fc.array(fc.nat(), { minLength: 1500, maxLength: 4000 }),
      fc.integer({ min: 0, max: 1000 }),
      async (lengths, picks, start) => {
        store.track(ID, '/x.log', start);
        const offsets: number[] = [];
        let at = start;
        for (const n of lengths) {
          offsets.push(at);
          store.emitted(ID, at, at + n);
          at += n;
        }
        const acked = new Set<number>();
        let stale = store.staleAcks;
        // mostly in order, as a turn's acknowledgement comes; the picks jump around, repeat and miss
        for (let k = 0; k < picks.length; k++) {
          const p = picks[k]!;
          const off = p % 7 === 0 ? offsets[p % offsets.length]! + 1 : offsets[(k + (p % 5)) % offsets.length]!;
          const known = offsets.includes(off) && !acked.has(off);
          store.ack(ID, off);
          if (known) acked.add(off);
          else stale++;
          const first = offsets.find((o) => !acked.has(o));
          assert.equal(store.get(ID)!.offset, first ?? at);
          assert.equal(store.staleAcks, stale);
        }
        assert.equal(store.unacknowledged(), offsets.length - acked.size);
        for (const o of offsets) store.ack(ID, o);
        assert.equal(store.get(ID)!.offset, at);
        assert.equal(store.unacknowledged(), 0);
      },
    ),
    { numRuns: 40 },
  );
});
