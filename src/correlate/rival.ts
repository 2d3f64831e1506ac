/**
 * The competing explanation of an ambiguous verdict (confidence below `AMBIGUOUS_BELOW`): its cause, how
 * likely it is, and the closure that tells it, so that a reader can open that HAProxy line and judge
 * (docs/confidence.md, "What an ambiguous verdict says").
 */
import type { Cause, Session } from './model.js';

/** how many of an ambiguous verdict's other candidates are decided to name its rival (the rules map each one's
 *  thread and read its lines): a time-only fallback's app-side pool or a late join's can hold dozens to ~1,000 */
export const RIVALS_DECIDED = 32;

/** one candidate closure, the story its rule tells, and its weight among the candidates */
export interface Told {
  s: Session;
  cause: Cause;
  w: number;
}

/** where a reader finds the closure: its server, HAProxy's client address and the time HAProxy logged its end */
export function closureRef(s: Session): string {
  return `${s.server} session ${s.clientIp}:${s.clientPort} closed ${new Date(s.end).toISOString()}`;
}

/**
 * The likeliest story other than `chosen` among the candidates other than `chosenS` (by summed weight, as
 * likelihood.ts `runnerUp`), with its heaviest closure; when every other candidate tells `chosen` too, the
 * heaviest of them (the doubt is then which closure, not which cause). `total`: the weight of every candidate,
 * when only some were decided.
 */
export function rivalAmong(
  cands: readonly Told[],
  chosen: Cause,
  chosenS: Session,
  total = 0,
): { cause: Cause; mass: number; s: Session } | undefined {
  const sum = total === 0;
  const by = new Map<Cause, { w: number; top: Told }>();
  for (const c of cands) {
    if (sum) total += c.w;
    if (c.s === chosenS) continue;
    const g = by.get(c.cause);
    if (!g) by.set(c.cause, { w: c.w, top: c });
    else {
      g.w += c.w;
      if (c.w > g.top.w) g.top = c;
    }
  }
  let best: { w: number; top: Told } | undefined;
  for (const [cause, g] of by) if (cause !== chosen && (!best || g.w > best.w)) best = g;
  best ??= by.get(chosen);
  if (!best || !(total > 0)) return undefined;
  return { cause: best.top.cause, mass: best.w / total, s: best.top.s };
}

/** the `why` clause naming the rival (`chosen`: the verdict's cause) */
export function rivalClause(r: { cause: Cause; mass: number; s: Session }, chosen: Cause): string {
  return r.cause === chosen
    ? `the competing closure: ${closureRef(r.s)} (${r.mass.toFixed(2)}), which tells the same cause`
    : `the competing explanation: ${r.cause}, ${r.mass.toFixed(2)} (${closureRef(r.s)})`;
}
