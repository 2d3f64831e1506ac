/**
 * The agent bench's peer counter and the join of arrivals with writes (bench/agent/tail-peer.ts,
 * analyze.ts), and the /proc readings (proc-sampler.ts, layout in docs/benchmark-agent.md "/proc").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TailCounter } from '../../bench/agent/tail-peer.js';
import {
  byLineIndex,
  byOffset,
  delivery,
  SLOW_MS,
  throughput,
  usage,
  writtenPerSecond,
} from '../../bench/agent/analyze.js';
import type { Delivery } from '../../bench/agent/analyze.js';
import type { ProcSample } from '../../bench/agent/proc-sampler.js';
import { SteadyWriter } from '../../bench/agent/writer.js';
import { liveFiles } from '../../bench/agent/live-lines.js';
import { parseCpuTicks, parseMinorFaults, parseVmRss, sampleProc } from '../../bench/agent/proc-sampler.js';

/** tail's layout for several files: a header before each part, an empty line before all but the first */
function tailOutput(parts: ReadonlyArray<[string, string[]]>): string {
  return parts.map(([p, lines], i) => `${i ? '\n' : ''}==> ${p} <==\n${lines.map((l) => l + '\n').join('')}`).join('');
}

test('tail output cut anywhere is counted per file by the last header', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.constantFrom('/t/a.log', '/t/b.log'),
          fc.array(fc.stringMatching(/^[a-z0-9 :[\]]{1,30}$/), { maxLength: 5 }),
        ),
        {
          maxLength: 8,
        },
      ),
      fc.array(fc.nat(), { maxLength: 10 }),
      (parts, cuts) => {
        const bytes = Buffer.from(tailOutput(parts));
        const c = new TailCounter(['/t/a.log', '/t/b.log']);
        const at = [0, ...cuts.map((x) => x % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
        for (let i = 1; i < at.length; i++) c.push(bytes.subarray(at[i - 1]!, at[i]!), i);
        for (const p of ['/t/a.log', '/t/b.log'])
          assert.equal(
            c.arrivals.get(p)!.length,
            parts.filter(([q]) => q === p).reduce((n, [, l]) => n + l.length, 0),
          );
        assert.equal(c.stray, 0);
      },
    ),
  );
});

test('delivery joins arrivals with writes: first arrivals count once, repeats and strangers apart, delay = arrival − write', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'goneaway-agent-follow-'));
  const clock = { t: 10_000 };
  const w = new SteadyWriter(liveFiles(dir, 3), { rate: 400, tickMs: 50, seconds: 3, seed: 3, now: () => clock.t });
  try {
    for (let i = 0; i <= 60; i++, clock.t += 50) w.tick();
    const t0 = w.t0;
    const [hap, ...rest] = w.files;
    // the HAProxy file's lines arrive 250 ms after their write, its 2nd line twice, plus one unknown offset
    const offsets = [...hap!.offsets.view(), hap!.offsets.at(1), 3];
    const times = offsets.map((o) => hap!.writtenAt(Math.max(0, hap!.lineAt(o))) + 250);
    const d = delivery(
      [hap!],
      (f) => byOffset(f, { offsets: Float64Array.from(offsets), times: Float64Array.from(times) }),
      t0,
      5,
    );
    assert.equal(d.delivered, hap!.lines);
    assert.equal(d.duplicates, 1);
    assert.equal(d.unknown, 1);
    assert.ok(d.delays.every((x) => x === 250));
    assert.equal(
      d.slowPerSecond.reduce((a, b) => a + b, 0),
      0,
    );
    assert.equal(
      d.perSecond.reduce((a, b) => a + b, 0),
      hap!.lines,
    );
    // the peer's arrivals by line index: a file nobody followed delivers nothing
    const none = delivery(rest, (f) => byLineIndex(f, undefined), t0, 5);
    assert.equal(none.delivered, 0);
    // every written line counted once, in the second of its tick
    const wrote = writtenPerSecond(w.files, t0, 5);
    assert.equal(
      wrote.reduce((a, b) => a + b, 0),
      w.written,
    );
    const th = throughput(d, 3, w.written, wrote);
    assert.equal(th.backlog, w.written - d.perSecond.subarray(0, 3).reduce((a, b) => a + b, 0));
    // the worst window is set beside what the writer wrote in the same seconds
    const width = 3;
    const inWindow = wrote.subarray(th.worstAt, th.worstAt + width).reduce((a, b) => a + b, 0);
    assert.equal(th.writtenInWorst, inWindow / width);
  } finally {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lines later than SLOW_MS are counted by the second they were written in', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'goneaway-agent-follow-'));
  const clock = { t: 50_000 };
  const w = new SteadyWriter(liveFiles(dir, 3), { rate: 400, tickMs: 50, seconds: 3, seed: 5, now: () => clock.t });
  try {
    for (let i = 0; i <= 60; i++, clock.t += 50) w.tick();
    const hap = w.files[0]!;
    const offsets = hap.offsets.view();
    // every 7th line held SLOW_MS + 1 ms, the others 100 ms
    const late = (i: number) => i % 7 === 3;
    const times = Array.from(offsets, (_, i) => hap.writtenAt(i) + (late(i) ? SLOW_MS + 1 : 100));
    const d = delivery(
      [hap],
      (f) => byOffset(f, { offsets: Float64Array.from(offsets), times: Float64Array.from(times) }),
      w.t0,
      10,
    );
    const expected = new Uint32Array(10);
    for (let i = 0; i < hap.lines; i++) if (late(i)) expected[Math.floor((hap.writtenAt(i) - w.t0) / 1000)]!++;
    assert.ok(expected.reduce((a, b) => a + b, 0) > 0);
    assert.deepEqual(d.slowPerSecond, expected);
  } finally {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the backlog rule owes a stalled writer's burst to the writer and a slow follower's shortfall to the follower", () => {
  const seconds = 600;
  const rate = 20_000;
  const asDelivery = (perSecond: Uint32Array): Delivery => ({
    delivered: perSecond.reduce((a, b) => a + b, 0),
    duplicates: 0,
    unknown: 0,
    perSecond,
    delays: new Float64Array(),
    slowPerSecond: new Uint32Array(seconds),
  });
  // the writer stalls in second 300 and writes that second's lines in 301; the follower delivers each second's
  // lines one second later (its pipeline's delay)
  const wrote = new Uint32Array(seconds).fill(rate);
  wrote[300] = 1_000;
  wrote[301] = 2 * rate - 1_000;
  const keptUp = new Uint32Array(seconds);
  for (let i = 1; i < seconds; i++) keptUp[i] = wrote[i - 1]!;
  const stall = throughput(asDelivery(keptUp), seconds, seconds * rate, wrote);
  assert.ok(stall.worst < 0.95 * rate, `the window blames the follower: ${stall.worst}`);
  assert.ok(stall.maxBacklog <= 2 * rate, `owed ${stall.maxBacklog}`);
  assert.equal(stall.maxBacklogAt, 301);
  // a follower 1 % short of the rate falls 200 lines further behind every second
  const even = new Uint32Array(seconds).fill(rate);
  const short = new Uint32Array(seconds).fill(rate * 0.99);
  const slow = throughput(asDelivery(short), seconds, seconds * rate, even);
  assert.equal(slow.maxBacklog, seconds * rate * 0.01);
  assert.equal(slow.maxBacklogAt, seconds - 1);
  assert.ok(slow.worst >= 0.95 * rate, 'the window did not see it');
});

test('the RSS floor slope sees a leak under a GC sawtooth and no leak in a sawtooth alone', () => {
  // 600 samples, 1/s; a sawtooth 0..40 MB with a period of 45 s (shorter than the floor's window, as the agent's
  // swings are) over a floor of 200 MB (+ a leak of `leak` MB/min)
  const samples = (leak: number): ProcSample[] =>
    Array.from({ length: 600 }, (_, i) => ({
      t: i * 1000,
      cpuS: i,
      minflt: 0,
      rssMB: 200 + (leak * i) / 60 + ((i % 45) * 40) / 45,
    }));
  const flat = usage(samples(0), 0, 599_000)!;
  const leaking = usage(samples(2), 0, 599_000)!;
  assert.ok(Math.abs(flat.rssFloorSlopePerMin) < 0.5, `floor slope ${flat.rssFloorSlopePerMin}`);
  assert.ok(Math.abs(leaking.rssFloorSlopePerMin - 2) < 0.5, `floor slope ${leaking.rssFloorSlopePerMin}`);
});

test('/proc readings: VmRSS in MB, utime + stime and minor faults counted after the command name, this process sampled', () => {
  assert.equal(parseVmRss('Name:\tnode\nVmPeak:\t 9000 kB\nVmRSS:\t  204800 kB\nVmData:\t 1 kB\n'), 200);
  assert.ok(Number.isNaN(parseVmRss('Name:\tzombie\nState:\tZ (zombie)\n')));
  // field 2 may contain spaces and ')' (proc(5)); minflt = field 10, utime = field 14, stime = field 15
  const stat = '4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 1 0 99 1000 50';
  assert.equal(parseCpuTicks(stat), 1234 + 567);
  assert.equal(parseMinorFaults(stat), 100);
  const before = sampleProc(process.pid, 5);
  // pages touched for the first time: a fresh 8 MiB buffer, filled
  Buffer.allocUnsafe(8 << 20).fill(1);
  const s = sampleProc(process.pid, 5);
  assert.ok(s && s.rssMB > 1 && s.cpuS > 0 && s.t === 5);
  assert.ok(before && s.minflt > before.minflt, `minor faults ${before?.minflt} → ${s.minflt}`);
  assert.equal(sampleProc(2 ** 22 + 12345, 0), undefined, 'no such process');
});
