// Closures initiated by HAProxy itself: health check DOWN with on-marked-down, runtime API shutdown session(s),
// reload with hard-stop-after (docs/lab-findings.md §3, scenario 07-09).
import type { ScenarioDef } from '../lib/scenario.js';
import { openAll, sleep, suffix, useAndClose } from './common.js';

export const s07: ScenarioDef = {
  id: '07',
  name: '07_haproxy_server_down',
  haproxy: { onMarkedDown: true },
  async run(ctx) {
    await openAll(ctx, ctx.lanes);
    await sleep(1000);
    await ctx.breakHealthCheck('replica1');
    await ctx.haproxy.waitServer('replica1', 'DOWN', 10000);
    await sleep(1000);
    await ctx.restoreHealthCheck('replica1');
    await ctx.haproxy.waitServer('replica1', 'UP', 10000);
    await sleep(300);
    await useAndClose(ctx.lanes);
  },
};

export const s08: ScenarioDef = {
  id: '08',
  name: '08_haproxy_admin_kill',
  async run(ctx) {
    await openAll(ctx, ctx.lanes);
    await sleep(1000);
    for (const l of suffix(ctx, '-1')) await ctx.shutdownSession(l.conn!);
    await sleep(1000);
    await ctx.shutdownSessionsServer('replica2');
    await sleep(1500);
    await useAndClose(ctx.lanes);
  },
};

export const s09: ScenarioDef = {
  id: '09',
  name: '09_haproxy_hard_stop',
  haproxy: { hardStopAfterMs: 3000 },
  async run(ctx) {
    await openAll(ctx, ctx.lanes);
    await sleep(1000);
    await ctx.reload();
    await sleep(4500); // old process hard-stops its sessions 3 s after the reload
    await useAndClose(ctx.lanes);
    await openAll(ctx, ctx.lanes); // fresh connections through the new process stay clean
    await Promise.all(ctx.lanes.map((l) => l.close()));
  },
};
