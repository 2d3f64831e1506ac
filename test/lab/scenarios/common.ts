// Small helpers shared by the scenario scripts.
import type { Lane } from '../lib/lane.js';
import type { ScenarioCtx } from '../lib/scenario.js';

let n = 0;
/** An ordinary short read, different each time (so general.log shows distinct statements). */
export function productQuery(): string {
  n = (n % 200) + 1;
  return `select id, sku, name, price, stock from products where id = ${n}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** connect + one ordinary query on every given lane, in parallel */
export async function openAll(ctx: ScenarioCtx, lanes: Lane[], port?: number): Promise<void> {
  await Promise.all(
    lanes.map(async (l) => {
      await ctx.connect(l, port);
      await l.query(productQuery());
    }),
  );
}

/** every lane: one more ordinary query (the "next use" that reveals a dead connection), then close */
export async function useAndClose(lanes: Lane[]): Promise<void> {
  await Promise.all(
    lanes.map(async (l) => {
      await l.query(productQuery());
      await l.close();
    }),
  );
}

export const suffix = (ctx: ScenarioCtx, s: string): Lane[] => ctx.lanes.filter((l) => l.name.endsWith(s));
