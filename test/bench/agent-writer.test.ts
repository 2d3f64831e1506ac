/**
 * The agent bench's steady writer keeps its rate by count (bench/agent/writer.ts): driven by a fake
 * clock, each 50 ms tick at 20,000 lines/s writes 1,000 lines, a late tick writes what is due by then,
 * the total is rate × seconds; and what it remembers (offsets, tick times) matches the files it wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linesDue, SteadyWriter } from '../../bench/agent/writer.js';
import { liveFiles, POOL_SIZE } from '../../bench/agent/live-lines.js';
import { newCounts, parseFile } from '../../src/pipeline/parse-file.js';
import { makeZone } from '../../parsers/zones.js';

function withWriter<T>(rate: number, seconds: number, fn: (w: SteadyWriter, clock: { t: number }) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'goneaway-agent-writer-'));
  const clock = { t: 1000 };
  const w = new SteadyWriter(liveFiles(dir, 7), { rate, tickMs: 50, seconds, seed: 7, now: () => clock.t });
  try {
    return fn(w, clock);
  } finally {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('linesDue never decreases, never exceeds rate × seconds, and reaches it at the end', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 100_000 }),
      fc.integer({ min: 1, max: 900 }),
      fc.array(fc.nat(1_000_000), { maxLength: 50 }),
      (rate, seconds, times) => {
        let prev = 0;
        for (const ms of [...times].sort((a, b) => a - b)) {
          const n = linesDue(rate, seconds, ms);
          assert.ok(n >= prev && n <= rate * seconds);
          prev = n;
        }
        assert.equal(linesDue(rate, seconds, seconds * 1000), rate * seconds);
      },
    ),
  );
});

test('at 20,000 lines/s each on-time 50 ms tick writes 1,000 lines over the files, and the total is exact', () => {
  withWriter(20_000, 1, (w, clock) => {
    assert.equal(w.tick(), 0, 'the first tick only starts the clock');
    const perTick: number[] = [];
    for (let i = 0; i < 20; i++) {
      clock.t += 50;
      perTick.push(w.tick());
    }
    assert.deepEqual(perTick, new Array(20).fill(1000));
    clock.t += 50;
    assert.equal(w.tick(), 0, 'nothing more once rate × seconds are written');
    assert.equal(w.written, 20_000);
    assert.equal(
      w.files.reduce((n, f) => n + f.lines, 0),
      20_000,
    );
  });
});

test('a late tick writes what is due by its time: the count follows the clock, not the number of ticks', () => {
  withWriter(1_000, 10, (w, clock) => {
    w.tick();
    clock.t += 50;
    assert.equal(w.tick(), 50);
    clock.t += 730; // the event loop was busy
    assert.equal(w.tick(), 730);
    clock.t += 20;
    assert.equal(w.tick(), 20);
    assert.equal(w.written, 800);
  });
});

test('the remembered offsets are the line starts of each file, and the lines parse as their kind', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'goneaway-agent-writer-'));
  const clock = { t: 0 };
  const w = new SteadyWriter(liveFiles(dir, 11), { rate: 5_000, tickMs: 50, seconds: 1, seed: 11, now: () => clock.t });
  try {
    for (let i = 0; i <= 20; i++, clock.t += 50) w.tick();
    w.close();
    for (const f of w.files) {
      const text = readFileSync(f.live.path);
      assert.equal(text.length, f.bytes);
      const starts = [0];
      for (let i = 0; i < text.length - 1; i++) if (text[i] === 10) starts.push(i + 1);
      assert.deepEqual([...f.offsets.view()], starts, path.basename(f.live.path));
      assert.equal(f.lineAt(starts[1]!), 1);
      assert.equal(f.lineAt(starts[1]! + 1), -1, 'an offset inside a line is no line');
      assert.ok(f.writtenAt(f.lines - 1) >= f.writtenAt(0));
      // one record per line, none unparsed: the bench's "lines indexed" can count documents
      const ctx = { zone: makeZone('UTC'), zoneGiven: true, refTime: Date.now() };
      const records = [...parseFile(f.live.path, f.live.kind, ctx, newCounts(f.live.path, f.live.kind))];
      assert.equal(records.length, f.lines, `${path.basename(f.live.path)}: one record per line`);
      assert.deepEqual(
        records.filter((r) => r.kind === 'unparsed').map((r) => r.text),
        [],
        `${path.basename(f.live.path)}: every line parses`,
      );
      assert.deepEqual(
        records.map((r) => r.offset),
        starts,
      );
    }
    const hap = w.files.find((f) => f.live.kind === 'haproxy')!;
    assert.ok(hap.lines > 0.7 * w.written, 'mostly HAProxy lines');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a general log keeps a pool of POOL_SIZE connections open: each Quit is followed by the Connect replacing it', () => {
  // the soak's load must be stationary: a pool that wanders makes the agent's window (its MySQL threads) wander too
  const general = liveFiles(tmpdir(), 11).find((f) => f.kind === 'mysql_general')!;
  let open = 0;
  let quits = 0;
  for (let i = 0; i < 200_000; i++) {
    const line = general.next(1_700_000_000_000 + i);
    if (/ Connect\t/.test(line)) open++;
    else if (/ Quit(\t|$)/.test(line)) {
      open--;
      quits++;
    }
    assert.ok(open <= POOL_SIZE, `at most POOL_SIZE open (line ${i}: ${open})`);
    if (i > POOL_SIZE) assert.ok(open >= POOL_SIZE - 1, `the pool refilled at once (line ${i}: ${open})`);
  }
  // a Quit about one line in ten: the pool is recycled, not idle
  assert.ok(quits > 15_000 && quits < 25_000, `${quits} Quit lines in 200,000`);
});
