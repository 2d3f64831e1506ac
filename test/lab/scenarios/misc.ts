// 10 control (no injection), 11 app killed with its connection open, 12 TCP reset between HAProxy and MariaDB.
import type { ScenarioDef } from '../lib/scenario.js';
import { openAll, productQuery, sleep, suffix, useAndClose } from './common.js';

export const s10: ScenarioDef = {
  id: '10',
  name: '10_control',
  async run(ctx) {
    await openAll(ctx, ctx.lanes);
    for (let i = 0; i < 3; i++) {
      await sleep(400);
      await Promise.all(ctx.lanes.map((l) => l.query(productQuery())));
    }
    await Promise.all(suffix(ctx, '-1').map((l) => l.sleepQuery(1)));
    await useAndClose(ctx.lanes);
    await openAll(ctx, ctx.lanes);
    await useAndClose(ctx.lanes);
  },
};

export const s11: ScenarioDef = {
  id: '11',
  name: '11_app_closed',
  async run(ctx) {
    await openAll(ctx, ctx.lanes);
    await sleep(1000);
    for (const l of suffix(ctx, '-1')) await ctx.sigkill(l); // silent: no app error, docs/lab-findings.md §4.6
    await sleep(1000);
    await useAndClose(suffix(ctx, '-2'));
  },
};

export const s12: ScenarioDef = {
  id: '12',
  name: '12_network_reset',
  async run(ctx) {
    await openAll(ctx, ctx.lanes);
    await sleep(1000);
    for (const l of suffix(ctx, '-1')) ctx.networkReset(l.conn!);
    await sleep(1500);
    await useAndClose(ctx.lanes);
  },
};
