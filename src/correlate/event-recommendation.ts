/**
 * The recommendation an event carries (src/correlate/recommend.ts) for its verdict, and the memo that shares one
 * among the connection events of a cause while what it is built from stays the same.
 */
import type { Cause, Recommendation } from './causes.js';
import type { Session, Verdict } from './model.js';
import { recommend, type Observations } from './recommend.js';
import type { HaproxySettings } from '../../parsers/haproxy/settings.js';

/** the thread a `mysql_kill` verdict says killed the connection (with its user, when known) */
export function killerOf(v: Verdict): string | undefined {
  const m = /killed by (thread \d+(?: \([^)]*\))?)/.exec(v.why);
  return m?.[1];
}

/** what to change for a verdict, quoting what was observed so far and the session's proxies */
export function recommendationOf(
  v: Verdict,
  obs: Observations,
  settings: HaproxySettings | undefined,
  s: Session | undefined,
): Recommendation {
  return recommend(
    v.cause,
    obs,
    settings,
    v.cause === 'mysql_kill' ? killerOf(v) : undefined,
    s ? { frontend: s.frontend, backend: s.backend, mode: s.mode } : undefined,
  );
}

/**
 * The recommendation of a closure, the same object as the last one of its cause while everything it is built
 * from is the same (the measured idle time and its count, the killer, the session's proxies): recommend() is a
 * function of these and the run's haproxy.cfg, and building its texts for each of ~100k closures was most of
 * what a connection event cost to decide.
 */
export class RecommendationMemo {
  /** per cause, the recommendations last built, newest first (a few frontend/backend pairs alternate) */
  private readonly last = new Map<Cause, MemoEntry[]>();
  get(v: Verdict, s: Session, obs: Observations, settings: HaproxySettings | undefined): Recommendation {
    const idle = obs.idleOf(v.cause);
    const median = idle?.median;
    const n = idle?.n;
    const killer = v.cause === 'mysql_kill' ? killerOf(v) : undefined;
    let l = this.last.get(v.cause);
    if (l === undefined) this.last.set(v.cause, (l = []));
    for (const m of l)
      if (
        m.frontend === s.frontend &&
        m.backend === s.backend &&
        m.median === median &&
        m.n === n &&
        m.killer === killer &&
        m.mode === s.mode
      )
        return m.rec;
    const rec = recommendationOf(v, obs, settings, s);
    l.unshift({ median, n, killer, frontend: s.frontend, backend: s.backend, mode: s.mode, rec });
    if (l.length > 16) l.pop();
    return rec;
  }
}
interface MemoEntry {
  median: number | undefined;
  n: number | undefined;
  killer: string | undefined;
  frontend: string;
  backend: string;
  mode: string;
  rec: Recommendation;
}
