/**
 * The agent writes a tcplog record's document for `logs-goneaway.records-*` as bytes (record-bytes.ts) and the
 * bulk bodies as bytes (bulk-body.ts). These tests hold both to what the object path sent before: the same
 * `_id`s, and documents and action lines byte for byte `JSON.stringify` of the objects (so they parse to exactly
 * the same documents), through slab changes of the arena and a body's growth.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { TcpLogRecord } from '../../../parsers/haproxy/tcp-record.js';
import { makeZone } from '../../../parsers/zones.js';
import type { ParseContext } from '../../../parsers/types.js';
import { ParsedRecord } from '../../../src/pipeline/record.js';
import { BulkBody } from '../../../src/sinks/bulk-body.js';
import { docOf, type OutDoc } from '../../../src/sinks/sink.js';
import { ByteArena, recordOutDoc, slabDoc } from '../../../src/sinks/elasticsearch/record-bytes.js';
import { toOutDoc } from '../../../src/sinks/elasticsearch/streams.js';
import { tcplogLine } from '../../parsers/haproxy/tcplog-lines.js';
import { bytesText, withIdentities } from './doc-identities.js';

const UTC: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 10, 23) };

/** A record as the agent's decoder makes it, from a parse of its own (the two paths share nothing). */
function record(text: string, file: string, offset: number): ParsedRecord | undefined {
  const r = parseHaproxyLine(text, UTC);
  if (!r.ok || !(r.value instanceof TcpLogRecord)) return undefined;
  return new ParsedRecord('haproxy', r.value.t, r.value, undefined, offset, text, file);
}

test('property: a tcplog record document written as bytes is JSON.stringify of the object path’s, under the same _id', () => {
  let written = 0;
  withIdentities((ids) => {
    fc.assert(
      fc.property(
        fc.array(tcplogLine, { minLength: 1, maxLength: 40 }),
        fc.constantFrom('/var/log/haproxy.log', 'C:\\logs\\"x".log', 'é/ü.log'),
        fc.constantFrom('default', 'prod', 'ns"é'),
        fc.nat({ max: 6000 }),
        (lines, file, ns, room) => {
          const arena = new ByteArena();
          // the slab nearly full: a document, its data_stream tail or its id crosses into the next slab
          arena.pos = arena.buf.length - room;
          const got: OutDoc[] = [];
          const want: OutDoc[] = [];
          let offset = 0;
          for (const t of lines) {
            const fast = record(t, file, offset);
            const slow = record(t, file, offset);
            offset += Buffer.byteLength(t) + 1;
            if (!fast || !slow) continue;
            got.push(recordOutDoc(ns, ids, fast, arena));
            assert.ok(fast.parsed instanceof TcpLogRecord && fast.parsed.pristine, 'writing must not build the doc');
            want.push(toOutDoc('goneaway.records', ns, ids, slow.doc, slow.kind));
            written++;
          }
          // compared once all are written: a later document must not overwrite an earlier one's bytes
          got.forEach((g, i) => {
            const w = want[i]!;
            assert.ok(g.json, 'a pristine tcplog record goes as bytes');
            assert.equal(g.id, w.id);
            assert.equal(g.stream, w.stream);
            assert.deepEqual(g.position, w.position);
            assert.equal(bytesText(g), JSON.stringify(w.doc));
            assert.deepEqual(docOf(g), JSON.parse(JSON.stringify(w.doc)));
          });
        },
      ),
      { numRuns: 200 },
    );
  });
  assert.ok(written > 1000, `only ${written} records were written`);
});

test('documents crossing slabs of the arena come out whole', () => {
  withIdentities((ids) => {
    const arena = new ByteArena();
    const got: OutDoc[] = [];
    const want: string[] = [];
    // 30 records of ~100 KB (event.original twice): 3 MB across 1 MiB slabs, and one of ~200 KB
    for (let i = 0; i < 31; i++) {
      const pad = String(i % 10).repeat(i === 30 ? 200_000 : 50_000);
      const t = `haproxy[1]: 10.0.0.1:${1000 + i} [23/Nov/2026:20:00:00.000] fe be/s1 0/0/10 5 -- 1/1/1/1/0 0/0 ${pad}`;
      got.push(recordOutDoc('default', ids, record(t, '/big.log', i)!, arena));
      want.push(
        JSON.stringify(toOutDoc('goneaway.records', 'default', ids, record(t, '/big.log', i)!.doc, 'haproxy').doc),
      );
    }
    assert.deepEqual(got.map(bytesText), want);
  });
});

test('a document, its tail and its id ending anywhere near the end of a slab are read back whole', () => {
  const line = '{"a":"é"}\n';
  const tail = Buffer.from(',"data_stream":{"type":"logs"}}');
  const id = 'AbC-_0123456789abcdefghijkl';
  const bytes = Buffer.byteLength(line);
  for (let room = bytes; room < bytes + tail.length + id.length + 4; room++) {
    const arena = new ByteArena();
    arena.pos = arena.buf.length - room;
    // what a writer does: its own room reserved, the line written
    arena.reserve(bytes);
    const slab = arena.buf;
    const start = arena.pos;
    arena.pos += arena.buf.write(line, start);
    const d = slabDoc(arena, slab, start, tail, 'logs-x', id, '/f.log', 7);
    assert.equal(d.json!.toString(), '{"a":"é","data_stream":{"type":"logs"}}', `room ${room}`);
    assert.equal(d.id, id, `room ${room}`);
    assert.deepEqual(d.position, { file: '/f.log', offset: 7 });
  }
});

test('a record whose document was built, or not a tcplog one, goes as its object', () => {
  withIdentities((ids) => {
    const r = record(
      'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0',
      '/x.log',
      5,
    )!;
    (r.doc.haproxy as Record<string, unknown>).note = 'annotated';
    const d = recordOutDoc('default', ids, r, new ByteArena());
    assert.equal(d.json, undefined);
    assert.equal((d.doc!.haproxy as { note?: string }).note, 'annotated');
    const other = new ParsedRecord('unparsed', undefined, undefined, { event: { original: 'x' } }, 0, 'x', '/x.log');
    assert.ok(recordOutDoc('default', ids, other, new ByteArena()).doc);
  });
});

test('property: a bulk body is the action and document lines JSON.stringify gives, for bytes and object documents', () => {
  withIdentities((ids) => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(tcplogLine, fc.string({ unit: 'binary', maxLength: 300 })), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 4096 }),
        (lines, initial) => {
          const arena = new ByteArena();
          const docs: OutDoc[] = [];
          const expected: string[] = [];
          lines.forEach((t, i) => {
            const r = record(t, '/h.log', i * 1000);
            // a record the parser does not take stands for the object documents (verdicts, MySQL records)
            const d = r
              ? recordOutDoc('default', ids, r, arena)
              : toOutDoc('goneaway.verdicts', 'default', ids, { event: { original: t }, n: i }, 'connection');
            docs.push(d);
            expected.push(JSON.stringify({ create: { _index: d.stream, _id: d.id } }), JSON.stringify(docOf(d)));
          });
          const body = new BulkBody(initial);
          for (const d of docs) body.add(d);
          assert.equal(body.bytes.toString('utf8'), expected.join('\n') + '\n');
          // a document sent again (a 429) is its two lines as they were
          const again = new BulkBody(1);
          for (let i = docs.length - 1; i >= 0; i -= 2) again.addFrom(body, i);
          const picked = docs.map((_, i) => i).filter((i) => (docs.length - 1 - i) % 2 === 0);
          assert.equal(again.count, picked.length);
          assert.equal(
            again.bytes.toString('utf8'),
            picked
              .reverse()
              .map((i) => `${expected[2 * i]}\n${expected[2 * i + 1]}\n`)
              .join(''),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** a document of `n` bytes of `fill` written into the arena, as the tcplog writer does (reserve, then write) */
function writeDoc(arena: ByteArena, n: number, fill: number): Buffer {
  arena.reserve(n);
  const doc = arena.buf.subarray(arena.pos, arena.pos + n);
  doc.fill(fill);
  arena.pos += n;
  return doc;
}

test('the arena reuses a turn’s slabs once the turn is released, and never a slab a held turn’s documents view', () => {
  const arena = new ByteArena();
  const intact = (docs: Buffer[], fill: number) => docs.every((d) => d.every((b) => b === fill));
  // documents of 600 KB: each turn fills two slabs or more (1 MiB each)
  const a = [1, 2, 3].map(() => writeDoc(arena, 600_000, 0xaa));
  const slabsA = arena.endTurn();
  assert.ok(slabsA.length >= 2);
  // turn B's first document goes into the slab turn A ended in: that slab is both turns'
  const b = [100_000, 600_000, 600_000].map((n) => writeDoc(arena, n, 0xbb));
  const slabsB = arena.endTurn();
  // turn A is still held (in flight): turn B wrote nowhere in its documents
  assert.ok(intact(a, 0xaa), 'a held turn’s documents were overwritten');
  arena.release(slabsA);
  // documents of 900 KB: one in a reused slab covers all of what turn B wrote there, had that slab been reused
  const c = [1, 2, 3].map(() => writeDoc(arena, 900_000, 0xcc));
  // the slabs only turn A used went to turn C; the slab A and B shared did not (B is held)
  const onlyA = slabsA.filter((s) => !slabsB.includes(s));
  assert.ok(onlyA.length > 0);
  assert.ok(
    onlyA.some((s) => c.some((d) => d.buffer === s.buffer)),
    'no slab of the released turn was reused',
  );
  assert.ok(intact(b, 0xbb), 'a held turn’s documents were overwritten');
  assert.ok(intact(c, 0xcc));
});

test('a slab an acknowledged turn shared with the turn being written is not reused while that turn is open', () => {
  const arena = new ByteArena();
  // turn A fills three slabs and ends in the third, which turn B goes on writing in
  for (let i = 0; i < 3; i++) writeDoc(arena, 600_000, 0xaa);
  const slabsA = arena.endTurn();
  const shared = writeDoc(arena, 100_000, 0xbb);
  // turn B moves on to a slab of its own, then turn A is acknowledged while B is still being written
  writeDoc(arena, 600_000, 0xbb);
  arena.release(slabsA);
  // B's next documents take the slabs A alone used, never the one B shares with it
  const more = [1, 2, 3, 4].map(() => writeDoc(arena, 900_000, 0xcc));
  assert.ok(
    more.every((d) => d.buffer !== shared.buffer),
    'a slab of the open turn was handed out again',
  );
  assert.ok(
    shared.every((b) => b === 0xbb),
    'the open turn’s document was overwritten',
  );
});
