/**
 * `npm run bench -- agent` (issue 14): a soak of `goneaway agent` at a fixed rate, next to GNU `tail -F`
 * on the same lines. The steady writer appends BENCH_AGENT_RATE lines/s (default 20,000) for
 * BENCH_AGENT_SECONDS (default 600) to HAProxy and MariaDB logs in a temp dir; the agent follows them and
 * bulk-indexes into the bench's recording stand-in; /proc is sampled every second for the agent's (and
 * tail's) RSS and CPU (BENCH_AGENT_MAX_RESIDENT sets agent.max_resident_records). Printed: lines written /
 * indexed, sustained and worst-window lines/s, CPU cores, RSS min / median / max and slope, write → bulk delay
 * p50 / p99 / max, each target PASS/MISS.
 * Nothing is asserted: the exit code is 0 whatever the figures.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Table } from '../table.js';
import { seedFrom } from '../prng.js';
import type { BulkCounts } from './bulk-recorder.js';
import { RecorderThread } from './recorder-thread.js';
import { liveFiles, HAPROXY_SHARE } from './live-lines.js';
import { SteadyWriter } from './writer.js';
import { ProcSampler } from './proc-sampler.js';
import { HeapScrape } from './heap-scrape.js';
import { startTail } from './tail-peer.js';
import { agentCommand, agentConfig, agentMissing, startAgent, writeConfig } from './agent-process.js';
import { byLineIndex, byOffset, delivery, writtenPerSecond } from './analyze.js';
import { printFollower, type FollowerRun } from './report.js';
import { clock } from './stats.js';

function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got ${v})`);
  return n;
}

const log = (s: string) => process.stderr.write(s + '\n');

/** until `done()` or nothing new for `quietMs` (progress() unchanged), at most `maxMs` */
async function settle(done: () => boolean, progress: () => number, quietMs: number, maxMs: number): Promise<void> {
  const end = clock() + maxMs;
  let last = progress();
  let lastChange = clock();
  while (!done() && clock() < end && clock() - lastChange < quietMs) {
    await sleep(200);
    const p = progress();
    if (p !== last) [last, lastChange] = [p, clock()];
  }
}

export async function agentBench(repo: string): Promise<void> {
  const seconds = envNumber('BENCH_AGENT_SECONDS', 600);
  const rate = envNumber('BENCH_AGENT_RATE', 20_000);
  const tickMs = envNumber('BENCH_AGENT_TICK_MS', 50);
  const seed = seedFrom(process.env.BENCH_SEED, 20261123);
  // the correlation window: what the agent holds in memory is about rate × max_error_lag (README "Agent benchmark")
  const maxErrorLag = process.env.BENCH_AGENT_MAX_ERROR_LAG || undefined;
  // the agent's bound on resident records (agent.max_resident_records), for measuring it
  const maxResident = process.env.BENCH_AGENT_MAX_RESIDENT ? envNumber('BENCH_AGENT_MAX_RESIDENT', 20_000) : undefined;
  const t = new Table();
  t.header(
    `goneaway bench agent — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, seed ${seed}, ` +
      `load average ${loadavg()[0]!.toFixed(1)} at the start`,
  );
  t.section(
    `d) agent soak: ${seconds} s at ${rate.toLocaleString('en-US')} lines/s in ${tickMs} ms ticks ` +
      `(${Math.round(HAPROXY_SHARE * 100)} % HAProxy tcplog, the rest MariaDB error + general logs of 2 replicas), ` +
      `max_error_lag ${maxErrorLag ?? '15m (default)'}` +
      (maxResident ? `, max_resident_records ${maxResident.toLocaleString('en-US')}` : ''),
  );
  const missing = await agentMissing(repo);
  if (missing) {
    t.na('goneaway agent', missing);
    t.na('peer: tail -F', 'not run: it is measured only beside the agent, on the same lines');
    t.footer();
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'goneaway-bench-agent-'));
  const recorder = new RecorderThread();
  // the processes this run started, killed on the way out whatever happened (a throw mid-soak included)
  const started: ChildProcess[] = [];
  try {
    const esUrl = await recorder.listen();
    const files = liveFiles(dir, seed);
    const writer = new SteadyWriter(files, { rate, tickMs, seconds, seed });
    const configFile = path.join(dir, 'agent.json');
    mkdirSync(path.join(dir, 'state'));
    writeConfig(configFile, agentConfig({ files, esUrl, stateDir: path.join(dir, 'state'), maxErrorLag, maxResident }));
    const agent = startAgent(repo, configFile, dir);
    started.push(agent.child);
    const agentSampler = new ProcSampler(agent.pid);
    agentSampler.start();
    const heap = process.env.BENCH_AGENT_KEEP
      ? new HeapScrape(path.join(dir, 'agent.stderr'), () => writer.t0)
      : undefined;
    heap?.start();
    // ready = it has talked to the stand-in (info / templates) or 20 s passed; gone = n/a
    await settle(
      () => recorder.counts.requests > 0 || agent.child.exitCode !== null,
      () => 0,
      20_000,
      20_000,
    );
    if (agent.child.exitCode !== null) {
      agentSampler.stop();
      writer.close();
      t.na(agentCommand(repo).label, `exited ${agent.child.exitCode} at start: ${agent.lastWords()}`);
      t.na('peer: tail -F', 'not run: it is measured only beside the agent, on the same lines');
      t.footer();
      return;
    }
    const tail = startTail(files.map((f) => f.path));
    started.push(tail.child);
    const tailSampler = new ProcSampler(tail.child.pid ?? -1);
    tailSampler.start();
    log(`agent bench: writing ${(rate * seconds).toLocaleString('en-US')} lines over ${seconds} s into ${dir}…`);
    await writer.run();
    const t0 = writer.t0;
    const tEnd = t0 + seconds * 1000;
    // record documents only: a connection verdict also carries its HAProxy line's path and offset, and with
    // the short window (no app log) verdicts arrive during the soak, so counting them ended the drain early
    const keyed = () => {
      let n = 0;
      for (const [name, c] of recorder.counts.byIndex) if (name.endsWith('.records')) n += c;
      return n;
    };
    log('agent bench: writer done; waiting for the last documents…');
    await settle(() => keyed() >= writer.written && tail.counter.lines >= writer.written, keyed, 10_000, 120_000);
    const drainEnd = clock();
    heap?.stop();
    const code = await agent.stop(30_000);
    agentSampler.stop();
    // a bulk request sent while exiting was answered before 'exit'; the worker has recorded it by now
    const got = await recorder.finish();
    tail.child.kill('SIGTERM');
    await tail.exited;
    tailSampler.stop();
    writer.close();

    const span = seconds + (drainEnd - tEnd) / 1000 + 1;
    const runs: FollowerRun[] = [
      {
        name: agentCommand(repo).label,
        delivery: delivery(writer.files, (f) => byOffset(f, got.arrivals.get(f.live.path)), t0, span),
        samples: agentSampler.samples,
        note: `exit ${code}${code === 0 ? '' : `: ${agent.lastWords()}`}; ${docNote(got.counts)}`,
      },
      {
        name: 'peer: tail -F',
        delivery: delivery(writer.files, (f) => byLineIndex(f, tail.counter.arrivals.get(f.live.path)), t0, span),
        samples: tailSampler.samples,
        note: '`tail -n +1 -F FILES` (GNU coreutils), counted here: the floor of following files',
      },
    ];
    if (process.env.BENCH_AGENT_KEEP) keepSeries(dir, runs[0]!, writtenPerSecond(writer.files, t0, span), t0);
    heap?.write(path.join(dir, 'agent-heap.tsv'));
    printFollower(
      t,
      {
        written: writer.written,
        writtenPerSecond: writtenPerSecond(writer.files, t0, seconds),
        seconds,
        rate,
        t0,
        tEnd,
        ticks: writer.ticks,
        maxGapMs: writer.maxGapMs,
        tickMs,
      },
      runs,
    );
  } finally {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await recorder.terminate();
    if (!process.env.BENCH_AGENT_KEEP) rmSync(dir, { recursive: true, force: true });
    else log(`agent bench: files kept in ${dir}`);
  }
  t.note(`load average ${loadavg()[0]!.toFixed(1)} at the end (the machine's ${cpus().length} cores are shared)`);
  t.footer();
}

/** the agent's samples and per-second counts beside the kept files, for plotting (tab-separated, seconds from t0) */
function keepSeries(dir: string, r: FollowerRun, written: Uint32Array, t0: number): void {
  const rows = r.samples.map(
    (x) => `${((x.t - t0) / 1000).toFixed(1)}\t${x.rssMB.toFixed(1)}\t${x.cpuS.toFixed(2)}\t${x.minflt}`,
  );
  writeFileSync(path.join(dir, 'agent-samples.tsv'), `second\trss_mb\tcpu_s\tminflt\n${rows.join('\n')}\n`);
  const d = r.delivery;
  const perS = Array.from(d.perSecond, (n, i) => `${i}\t${written[i] ?? 0}\t${n}\t${d.slowPerSecond[i]}`);
  writeFileSync(path.join(dir, 'per-second.tsv'), `second\twritten\tdelivered\tslow_by_write\n${perS.join('\n')}\n`);
}

function docNote(c: BulkCounts): string {
  const idx = [...c.byIndex].map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ');
  return `${c.bulkRequests.toLocaleString('en-US')} bulk requests; ${idx || 'no documents'}`;
}
