// Timer-driven closures: HAProxy timeout client / timeout server, MariaDB wait_timeout (docs/lab-findings.md §3,
// scenario 01-03).
// Idle gaps are 1.5 s longer than the timer so no closure is borderline (truth.ts NEAR_TIE_MS).
import type { ScenarioDef } from '../lib/scenario.js';
import { openAll, productQuery, sleep, suffix, useAndClose } from './common.js';

export const s01: ScenarioDef = {
  id: '01',
  name: '01_haproxy_timeout_client',
  haproxy: { timeoutClientMs: 3000, timeoutServerMs: 30000 },
  lanes: { php: 3, node: 2, python: 3 },
  async run(ctx) {
    await openAll(ctx, ctx.lanes);
    const idle = suffix(ctx, '-1'); // idle past timeout client, then next use
    const long = suffix(ctx, '-2'); // select sleep(4): succeeds, closed right after, next query fails
    const silent = suffix(ctx, '-3'); // idle past the timeout, then closed without reuse: silent closure
    await Promise.all([
      (async () => {
        await sleep(4500);
        await useAndClose(idle);
      })(),
      ...long.map(async (l) => {
        await l.sleepQuery(4);
        await l.query(productQuery());
        await l.close();
      }),
      (async () => {
        await sleep(4500);
        await Promise.all(silent.map((l) => l.close()));
      })(),
    ]);
  },
};

export const s02: ScenarioDef = {
  id: '02',
  name: '02_haproxy_timeout_server',
  haproxy: { timeoutClientMs: 30000, timeoutServerMs: 3000 },
  async run(ctx) {
    await openAll(ctx, ctx.lanes);
    const idle = suffix(ctx, '-1');
    const long = suffix(ctx, '-2'); // select sleep(5) interrupted at +3 s (docs/lab-findings.md §3, scenario 02)
    await Promise.all([
      (async () => {
        await sleep(4500);
        await useAndClose(idle);
      })(),
      ...long.map(async (l) => {
        await l.sleepQuery(5);
        await l.close();
      }),
    ]);
    // MariaDB logs the interrupted statements only when SLEEP ends: keep it running until then
    await sleep(2500);
  },
};

export const s03: ScenarioDef = {
  id: '03',
  name: '03_mysql_wait_timeout',
  haproxy: { timeoutClientMs: 30000, timeoutServerMs: 30000 },
  async run(ctx) {
    // global on both replicas for the -1 lanes; the -2 lanes set their own session value
    await ctx.setGlobal('all', 'wait_timeout', 3);
    await openAll(ctx, ctx.lanes);
    const global = suffix(ctx, '-1');
    const session = suffix(ctx, '-2');
    await Promise.all(session.map((l) => l.query('set session wait_timeout = 2')));
    await sleep(4500);
    await useAndClose([...global, ...session]);
  },
};
