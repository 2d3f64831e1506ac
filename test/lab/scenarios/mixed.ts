// 13_mixed: ~85 s with every cause interleaved (docs/lab-findings.md §3, scenario 11_mixed), 11 lanes, many connections
// from the
// same client IP, several closures in the same second (DOWN, shutdown sessions server, hard-stop).
//
// frontend mysql_ro: timeout client 6 s -> backend mariadb_replicas: timeout server 30 s (web + workers);
// frontend mysql_reports: timeout client 30 s -> backend mariadb_reports (servers `track` the replicas ones):
// timeout server 8 s (php-3, node-3: long reports). With one pair only, a statement longer than both timeouts
// is cut at timeout server but logged `cD` (seen here: both timers had expired), an ambiguous closure.
// on-marked-down shutdown-sessions, hard-stop-after 3 s, max_allowed_packet 16K.
// Replica-wide events at fixed times; every per-connection timer is placed in a window at least 2 s away from
// them, so no connection has two causes within truth.ts NEAR_TIE_MS, and the targeted closures of different
// lanes are spread >= 1.5 s apart (the same-second closures come from the replica-wide events):
//   28 s graceful restart replica1 | 48 s check user dropped on replica2 -> DOWN ~50 s, restored 52 s
//   58 s shutdown sessions server replica1 | 64 s kill -9 replica2 + restart | 74 s reload -> hard-stop ~77 s
import { REPORTS_FRONTEND_PORT } from '../lib/haproxy.js';
import type { Lane } from '../lib/lane.js';
import type { ScenarioCtx, ScenarioDef } from '../lib/scenario.js';
import { productQuery, sleep } from './common.js';

const END = 84_000;

/** reconnect if the lane has no usable connection (after an error, as an app or a pool would) */
const REPORT_LANES = new Set(['php-3', 'node-3']);
async function ensure(ctx: ScenarioCtx, l: Lane): Promise<void> {
  if (!l.conn || l.broken) await ctx.connect(l, REPORT_LANES.has(l.name) ? REPORTS_FRONTEND_PORT : undefined);
}

/** a busy worker: one short query a second, reconnecting after errors, until scenario time `until` */
async function steady(ctx: ScenarioCtx, l: Lane, until: number): Promise<void> {
  while (Date.now() - ctx.t0 < until - 1000) {
    await ensure(ctx, l);
    await l.query(productQuery());
    await sleep(1000);
  }
}

/** web-like lane: short connections of 3 queries, until `until` */
async function web(ctx: ScenarioCtx, l: Lane, until: number): Promise<void> {
  while (Date.now() - ctx.t0 < until - 1500) {
    await ctx.connect(l);
    for (let i = 0; i < 3 && !l.broken; i++) {
      await l.query(productQuery());
      await sleep(600);
    }
    await l.close();
    await sleep(900);
  }
}

async function globals(ctx: ScenarioCtx): Promise<void> {
  await ctx.at(28_000);
  await ctx.stopReplica('replica1', 'SIGTERM');
  await ctx.at(48_000);
  ctx.closeGate();
  await ctx.breakHealthCheck('replica2');
  await ctx.haproxy.waitServer('replica2', 'DOWN', 10000);
  await sleep(300);
  ctx.openGate();
  await ctx.at(52_000);
  await ctx.restoreHealthCheck('replica2');
  await ctx.haproxy.waitServer('replica2', 'UP', 10000);
  await ctx.at(58_000);
  ctx.closeGate();
  await sleep(150);
  await ctx.shutdownSessionsServer('replica1');
  await sleep(100);
  ctx.openGate();
  await ctx.at(64_000);
  await ctx.stopReplica('replica2', 'SIGKILL');
  await ctx.at(74_000);
  await ctx.reload();
}

export const s13: ScenarioDef = {
  id: '13',
  name: '13_mixed',
  haproxy: {
    timeoutClientMs: 6000,
    timeoutServerMs: 30000,
    reports: { timeoutClientMs: 30000, timeoutServerMs: 8000 },
    onMarkedDown: true,
    hardStopAfterMs: 3000,
  },
  lanes: { php: 4, node: 4, python: 3 },
  async run(ctx) {
    await ctx.setGlobal('all', 'max_allowed_packet', 16384);
    ctx.t0 = Date.now();
    const L = (n: string): Lane => ctx.lane(n);
    const q = (l: Lane): Promise<unknown> => l.query(productQuery());
    await Promise.all([
      globals(ctx),
      ...['php-1', 'node-1', 'py-1'].map((n) => web(ctx, L(n), END)),
      (async () => {
        // php-2: timeout client while idle, then a DBA KILL of its idle connection
        const l = L('php-2');
        await ctx.at(1000);
        await ensure(ctx, l);
        await steady(ctx, l, 5000);
        await ctx.at(12_500);
        await q(l); // idle since ~5 s: cD at ~11 s
        await steady(ctx, l, 18_000);
        await ctx.at(18_000);
        await ensure(ctx, l);
        await ctx.kill(l.conn!, false);
        await ctx.at(19_000);
        await q(l);
        await steady(ctx, l, END);
      })(),
      (async () => {
        // php-3: timeout server during select sleep(9), later a TCP reset
        const l = L('php-3');
        await ctx.at(1000);
        await ensure(ctx, l);
        await steady(ctx, l, 14_000);
        await ctx.at(14_000);
        await ensure(ctx, l);
        await l.sleepQuery(9); // sD at ~22 s
        await steady(ctx, l, 44_500);
        await ctx.at(44_500);
        await ensure(ctx, l);
        ctx.networkReset(l.conn!);
        await ctx.at(45_500);
        await q(l);
        await steady(ctx, l, END);
      })(),
      (async () => {
        // node-2: idle timeout client (error event at closure), then KILL of a running query
        const l = L('node-2');
        await ctx.at(1000);
        await ensure(ctx, l);
        await steady(ctx, l, 15_000);
        await ctx.at(22_500);
        await ensure(ctx, l);
        await steady(ctx, l, 24_000);
        await ctx.at(24_000);
        await ensure(ctx, l);
        const running = l.sleepQuery(5);
        await ctx.at(25_000);
        await ctx.kill(l.conn!, true);
        await running;
        await steady(ctx, l, END);
      })(),
      (async () => {
        // node-3: admin shutdown session, later timeout server during select sleep(9)
        const l = L('node-3');
        await ctx.at(1000);
        await ensure(ctx, l);
        await steady(ctx, l, 20_000);
        await ctx.at(20_000);
        await ensure(ctx, l);
        await ctx.shutdownSession(l.conn!);
        await steady(ctx, l, 36_000);
        await ctx.at(36_000);
        await ensure(ctx, l);
        await l.sleepQuery(9); // sD at ~44 s
        await steady(ctx, l, END);
      })(),
      (async () => {
        // py-2: long query longer than timeout client (succeeds, next fails), later an idle cD
        const l = L('py-2');
        await ctx.at(1000);
        await ensure(ctx, l);
        await steady(ctx, l, 16_000);
        await ctx.at(16_000);
        await ensure(ctx, l);
        await l.sleepQuery(7);
        await ctx.at(23_500);
        await q(l);
        await steady(ctx, l, 36_000);
        await ctx.at(36_000);
        await ensure(ctx, l);
        await q(l);
        await ctx.at(43_500);
        await q(l); // idle since ~36 s: cD at ~42 s
        await steady(ctx, l, END);
      })(),
      (async () => {
        // py-3: session wait_timeout twice, and an oversized statement
        const l = L('py-3');
        await ctx.at(1000);
        await ensure(ctx, l);
        await l.query('set session wait_timeout = 4');
        await q(l);
        await ctx.at(8500);
        await q(l); // idle since ~1 s: wait_timeout at ~5 s
        await ctx.at(15_000);
        await ensure(ctx, l);
        await l.big(64 * 1024);
        await steady(ctx, l, 36_000);
        await ctx.at(36_000);
        await ensure(ctx, l);
        await l.query('set session wait_timeout = 4');
        await ctx.at(41_000);
        await q(l); // wait_timeout at ~40 s, timeout client would be ~42 s
        await steady(ctx, l, END);
      })(),
      ...['php-4', 'node-4'].map(async (n) => {
        // killed with SIGKILL while holding a connection
        const l = L(n);
        await ctx.at(38_000);
        await ensure(ctx, l);
        await steady(ctx, l, 42_000);
        await ctx.at(42_000);
        await ctx.sigkill(l);
      }),
    ]);
    await Promise.all(ctx.lanes.map((l) => l.close()));
  },
};
