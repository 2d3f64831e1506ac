// Closures initiated by MariaDB: DBA KILL, max_allowed_packet, graceful restart, kill -9 (docs/lab-findings.md §3,
// scenario 04-06b).
import { CUSTOM_FRONTEND_PORT } from '../lib/haproxy.js';
import type { ScenarioDef } from '../lib/scenario.js';
import { openAll, productQuery, sleep, suffix, useAndClose } from './common.js';

export const s04: ScenarioDef = {
  id: '04',
  name: '04_mysql_kill',
  // the Python lanes go through the custom log-format frontend (%bi:%bp, docs/lab-findings.md §3, scenario 13)
  haproxy: { customFrontend: true },
  async run(ctx) {
    await openAll(
      ctx,
      ctx.lanes.filter((l) => l.app !== 'python'),
    );
    await openAll(ctx, ctx.byApp('python'), CUSTOM_FRONTEND_PORT);
    const idle = suffix(ctx, '-1');
    const running = suffix(ctx, '-2');
    const queries = running.map((l) => l.sleepQuery(6));
    await sleep(1000);
    for (const l of running) await ctx.kill(l.conn!, true); // victim inside `select sleep(6)`
    for (const l of idle) await ctx.kill(l.conn!, false); // idle victim: error at next use
    await Promise.all(queries);
    await sleep(1500);
    await useAndClose(idle);
    await Promise.all(running.map((l) => l.close()));
  },
};

export const s05: ScenarioDef = {
  id: '05',
  name: '05_mysql_max_allowed_packet',
  async run(ctx) {
    await ctx.setGlobal('all', 'max_allowed_packet', 16384);
    await openAll(ctx, ctx.lanes);
    const victims = suffix(ctx, '-1');
    const control = suffix(ctx, '-2');
    await Promise.all([
      ...victims.map(async (l) => {
        await l.big(64 * 1024);
        await sleep(500);
        await l.query(productQuery());
        await l.close();
      }),
      ...control.map(async (l) => {
        await l.big(4 * 1024);
        await l.query(productQuery());
        await l.close();
      }),
    ]);
  },
};

/** SIGTERM or SIGKILL one replica while every lane holds an idle connection, restart it, then reuse all. */
function restartScenario(id: string, name: string, replica: string, signal: 'SIGTERM' | 'SIGKILL'): ScenarioDef {
  return {
    id,
    name,
    // docs/lab-findings.md §3, scenario 06/06b: without on-marked-down the half-open victims are logged `--` at their
    // next use
    haproxy: { onMarkedDown: false },
    async run(ctx) {
      await openAll(ctx, ctx.lanes);
      await sleep(1000);
      await ctx.stopReplica(replica, signal);
      await sleep(500);
      await useAndClose(ctx.lanes);
    },
  };
}

export const s06 = restartScenario('06', '06_mysql_restart', 'replica2', 'SIGTERM');
export const s06b = restartScenario('06b', '06b_mysql_crash', 'replica1', 'SIGKILL');
