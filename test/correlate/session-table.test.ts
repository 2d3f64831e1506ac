import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SessionTable, type SessionRow } from '../../src/correlate/session-table.js';

// any text a log line can hold, multi-byte characters included (the rows keep lines as UTF-8 bytes)
const line = fc.string({ unit: 'binary', maxLength: 300 });

const row = (k: number, text: string, port: number): SessionRow => ({
  accept: 1_700_000_000_000 + k * 10,
  end: 1_700_000_000_000 + k * 10 + (k % 7),
  state: k % 5 === 0 ? 'cD' : '--',
  clientIp: `10.0.${k % 3}.${k % 250}`,
  clientPort: port,
  frontend: 'fe',
  backend: 'be',
  server: k % 2 ? 'replica1' : 'replica2',
  pid: k % 4 ? 100 + k : undefined,
  bytesRead: k % 6 ? k * 3 : undefined,
  file: '/var/log/haproxy.log',
  offset: k * 200,
  text,
});

test('rows read back as they were written, across line chunks let go as rows leave out of order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ text: line, port: fc.integer({ min: 0, max: 20 }), keep: fc.nat(40) }), {
        minLength: 1,
        maxLength: 3000,
      }),
      (rows) => {
        // 4 KB chunks (a line here is at most 900 bytes): the lines fill, cross and free many chunks
        const t = new SessionTable(4096);
        const held = new Map<number, { r: SessionRow; until: number }>();
        rows.forEach((x, k) => {
          const r = row(k, x.text, x.port);
          held.set(t.add(r), { r, until: k + x.keep });
          // rows leave when their time comes, not in the order they came
          for (const [seq, h] of held)
            if (h.until <= k && seq !== k) {
              t.drop(seq);
              held.delete(seq);
            }
        });
        for (const [seq, { r }] of held) {
          const s = t.at(seq);
          assert.equal(t.textOf(seq), r.text);
          assert.equal(s.ev.text, r.text);
          assert.deepEqual(
            [s.accept, s.end, s.state, s.clientIp, s.clientPort, s.server, s.pid, s.bytesRead, s.ev.offset],
            [r.accept, r.end, r.state, r.clientIp, r.clientPort, r.server, r.pid, r.bytesRead, r.offset],
          );
        }
        // the per-port chain lists exactly the held sessions of that port, oldest first
        for (let port = 0; port <= 20; port++) {
          const want = [...held].filter(([, h]) => h.r.clientPort === port).map(([seq]) => seq);
          const got = (t.byPort(port) ?? []).map((s) => s.ev.offset / 200);
          assert.deepEqual(
            got,
            want.sort((a, b) => a - b),
          );
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('a session a decision changed stays one object, and keeps its line after its row left', () => {
  const t = new SessionTable(8192);
  const text = 'Nov 23 20:00:00 lb haproxy[1]: 10.0.0.1:4000 [23/Nov/2026:20:00:00.205] é ✓';
  const seq = t.add(row(1, text, 4000));
  const a = t.at(seq);
  assert.notEqual(t.at(seq), a, 'an unchanged session is a fresh copy each time');
  a.claimed = true;
  assert.equal(t.at(seq), a, 'a claimed session is the one object from then on');
  assert.equal(t.byPort(4000)?.[0], a);
  t.drop(seq); // its line not read yet: the row hands it over as it goes
  // the ring reuses the bytes: the pinned session must not read them again
  for (let k = 2; k < 20_000; k++) t.drop(t.add(row(k, 'x'.repeat(200), 4000)));
  assert.equal(a.ev.text, text);
  assert.equal(a.claimed, true);
});

test('an unpinned session that reads its line after its row left fails loudly instead of reading another line', () => {
  const t = new SessionTable(8192);
  const seq = t.add(row(1, 'the first line', 4001));
  const fresh = t.at(seq);
  t.drop(seq);
  for (let k = 2; k < 100; k++) t.add(row(k, 'the next lines, in the same chunk and the next ones', 4001));
  assert.throws(() => fresh.ev, /after it left the window/);
});

test('rows held across the ring growing while it wraps read back as they were written', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ add: fc.integer({ min: 1, max: 3000 }), drop: fc.integer({ min: 0, max: 3000 }) }), {
        minLength: 1,
        maxLength: 8,
      }),
      (steps) => {
        // the ring starts with 4,096 rows: dropping the oldest moves its start, adding more than it holds
        // makes it grow with its rows wrapped around its end
        const t = new SessionTable();
        const held: Array<{ seq: number; r: SessionRow }> = [];
        let k = 0;
        for (const { add, drop } of steps) {
          for (let j = 0; j < add; j++, k++) {
            const r = row(k, `line ${k}`, k % 21);
            held.push({ seq: t.add(r), r });
          }
          for (const { seq } of held.splice(0, Math.min(drop, held.length))) t.drop(seq);
        }
        assert.equal(t.size, held.length);
        for (const { seq, r } of held) {
          const s = t.at(seq);
          assert.equal(t.textOf(seq), r.text);
          assert.deepEqual(
            [s.accept, s.end, s.state, s.clientIp, s.clientPort, s.server, s.pid, s.bytesRead, s.ev.offset],
            [r.accept, r.end, r.state, r.clientIp, r.clientPort, r.server, r.pid, r.bytesRead, r.offset],
          );
        }
        for (let port = 0; port <= 20; port++) {
          const want = held.filter((h) => h.r.clientPort === port).map((h) => h.seq);
          assert.deepEqual(
            (t.byPort(port) ?? []).map((s) => s.ev.offset / 200),
            want,
          );
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('an abnormal closure has no object until it is first read, then the same one, which keeps its line', () => {
  const t = new SessionTable(8192);
  const text = 'Nov 23 20:00:00 lb haproxy[1]: 10.0.0.1:4002 [23/Nov/2026:20:00:00.205] fe be/replica1 cD ✓';
  const seq = t.add(row(5, text, 4002)); // k % 5 === 0: state cD
  const normal = t.add(row(6, 'a normal close', 4002));
  assert.equal(t.pinnedAt(seq), undefined, 'no object while nothing read it');
  const s = t.at(seq);
  assert.equal(s.state, 'cD');
  assert.equal(t.at(seq), s, 'read again: the same object');
  assert.equal(t.pinnedAt(seq), s);
  assert.equal(t.byPort(4002)?.[0], s, 'found by port: the same object');
  assert.notEqual(t.at(normal), t.at(normal), 'a normal close stays a fresh copy each time');
  t.drop(seq);
  for (let k = 7; k < 20_000; k++) t.drop(t.add(row(k * 5 + 1, 'y'.repeat(200), 4002)));
  assert.equal(s.ev.text, text);
});

test('a row left off its port chain is not found by port, and is read like the others', () => {
  const t = new SessionTable(8192);
  const linked = t.add(row(1, 'on the chain', 4003));
  const off = t.add(row(2, 'off the chain', 4003), false);
  assert.deepEqual(
    (t.byPort(4003) ?? []).map((s) => s.ev.text),
    ['on the chain'],
  );
  assert.equal(t.at(off).ev.text, 'off the chain');
  assert.equal(t.at(linked).ev.text, 'on the chain');
});

test('rows read back across many blocks of rows, added and let go out of order', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(30_000), { minLength: 60_000, maxLength: 60_000 }), fc.nat(60_000), (keeps, size) => {
      // 60,000 rows span four blocks of 16,384; each stays for its own number of later rows, so blocks are let go
      // while older rows in them may still be held, and the port chains run across blocks
      const t = new SessionTable(64 << 10);
      const held = new Map<number, { r: SessionRow; until: number }>();
      const byUntil = new Map<number, number[]>();
      keeps.forEach((keep, k) => {
        const r = row(k, `line ${k} ${'é'.repeat(k % 7)}`, k % 97);
        const seq = t.add(r);
        held.set(seq, { r, until: k + keep });
        byUntil.set(k + keep, [...(byUntil.get(k + keep) ?? []), seq]);
        for (const seq of byUntil.get(k) ?? []) {
          if (seq === k) continue;
          t.drop(seq);
          held.delete(seq);
        }
        byUntil.delete(k);
      });
      assert.equal(t.size <= keeps.length, true);
      const seqs = [...held.keys()];
      // a sample of the rows still held, and the chains of a few ports
      for (const seq of seqs.filter((_, j) => j % 97 === size % 97)) {
        const { r } = held.get(seq)!;
        const s = t.at(seq);
        assert.deepEqual(
          [s.accept, s.end, s.state, s.clientPort, s.ev.text],
          [r.accept, r.end, r.state, r.clientPort, r.text],
        );
      }
      for (const port of [size % 97, (size + 1) % 97]) {
        const want = seqs.filter((seq) => held.get(seq)!.r.clientPort === port).sort((a, b) => a - b);
        assert.deepEqual(
          (t.byPort(port) ?? []).map((s) => s.ev.offset / 200),
          want,
        );
      }
    }),
    // no shrinking: a 60,000-row case shrinks for minutes
    { numRuns: 5, endOnFailure: true },
  );
});

test('a window of normal closes holds its lines in a fraction of their size, and reads each one back', () => {
  const t = new SessionTable();
  // tcplog lines as HAProxy writes them: what differs from one to the next is the client, the times and the counters
  const text = (k: number) =>
    `Dec  6 21:29:${String(k % 60).padStart(2, '0')} db-lb-01 haproxy[3968]: 10.0.${k % 7}.${k % 251}:${20000 + k} ` +
    `[06/Dec/2026:21:29:${String(k % 60).padStart(2, '0')}.${String(k % 1000).padStart(3, '0')}] mysql_ro ` +
    `mariadb_replicas/replica${1 + (k % 2)} 0/${k % 4}/${k % 9000} ${k % 30000} -- ${k % 113}/${k % 89}/${k % 71}/${k % 23}/0 0/0`;
  const rows = 40_000;
  let utf8 = 0;
  const seqs: number[] = [];
  for (let k = 0; k < rows; k++) {
    const r = { ...row(k, text(k), 20000 + k), state: '--' };
    utf8 += Buffer.byteLength(r.text);
    seqs.push(t.add(r));
  }
  assert.ok(t.lineBytes * 3 < utf8, `${t.lineBytes} bytes held for ${utf8} bytes of lines`);
  for (const k of [0, 1, 777, 20_000, rows - 1]) assert.equal(t.at(seqs[k]!).ev.text, text(k));
  // rows leave in order: each reads its line as it goes, then the segments behind it are let go
  for (let k = 0; k < rows; k++) {
    assert.equal(t.textOf(seqs[k]!), text(k));
    t.drop(seqs[k]!);
  }
  assert.ok(t.lineBytes < 256 << 10, `${t.lineBytes} bytes held for no row`);
});
