/**
 * Preload for the agent (`BENCH_AGENT_NODE_ARGS="--import ./dist/bench/agent/promoted-sampling.js"`): V8's
 * sampling heap profiler, told to keep the samples of objects a major GC collected (and, with
 * BENCH_PROMOTED_MINOR=1, those a scavenge collected too). Without the minor ones, a profile holds what reached
 * the old generation — promoted, or still live at the end — by allocation site; with them, everything allocated.
 * The two side by side (promoted-summary.ts) say which of the agent's per-line objects outlive the young
 * generation (docs/benchmark-agent.md "What the old generation collects").
 *
 * The parameters are the DevTools protocol's `HeapProfiler.startSampling`
 * (https://chromedevtools.github.io/devtools-protocol/tot/HeapProfiler/#method-startSampling), reached in
 * process through `node:inspector`. Sampling starts BENCH_PROMOTED_FROM_S seconds in (default 30: after the
 * warm-up) and stops BENCH_PROMOTED_FOR_S later (default 60), writing BENCH_PROMOTED_FILE.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

const seconds = (name: string, dflt: number): number => Number(process.env[name] ?? dflt) * 1000;

if (process.argv.includes('agent')) {
  const file = process.env.BENCH_PROMOTED_FILE ?? `promoted-${process.pid}.heapprofile`;
  const minor = process.env.BENCH_PROMOTED_MINOR === '1';
  const session = new Session();
  session.connect();
  const fail = (e: Error | null): void => {
    if (e) process.stderr.write(`promoted-sampling: ${e.message}\n`);
  };
  setTimeout(
    () => {
      session.post('HeapProfiler.enable', (e) => {
        fail(e);
        const params = {
          samplingInterval: 65_536,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: minor,
        };
        session.post('HeapProfiler.startSampling', params, fail);
      });
    },
    seconds('BENCH_PROMOTED_FROM_S', 30),
  ).unref();
  setTimeout(
    () =>
      session.post('HeapProfiler.stopSampling', (e, r) => {
        if (e) return fail(e);
        writeFileSync(file, JSON.stringify(r.profile));
      }),
    seconds('BENCH_PROMOTED_FROM_S', 30) + seconds('BENCH_PROMOTED_FOR_S', 60),
  ).unref();
}
