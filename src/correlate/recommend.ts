/**
 * Every verdict names the setting to change, with the values seen (docs/lab-findings.md §4: the fix for
 * a 2006 depends entirely on who closed the connection). Observed values come from the logs
 * (idle time between the thread's last query and the close); configured ones from haproxy.cfg.
 */
import { CAUSES, type Cause, type Recommendation } from './causes.js';
import type { HaproxySettings } from '../../parsers/haproxy/settings.js';
import { fmtMs } from './rules.js';

export type { Recommendation };

export class Observations {
  private idle = new Map<Cause, number[]>();
  private cache = new Map<Cause, { median: number; n: number }>();
  counts = new Map<Cause, number>();
  add(cause: Cause, idleMs: number | undefined): void {
    this.counts.set(cause, (this.counts.get(cause) ?? 0) + 1);
    if (idleMs === undefined) return;
    const l = this.idle.get(cause) ?? [];
    if (l.length < 10_000) l.push(idleMs);
    this.idle.set(cause, l);
  }
  /** median idle before the close for this cause, and how many sessions it is measured from
   *  (re-sorted only when the sample grew by an eighth: recommendations are built per event) */
  idleOf(cause: Cause): { median: number; n: number } | undefined {
    const l = this.idle.get(cause);
    if (!l || !l.length) return undefined;
    const c = this.cache.get(cause);
    if (c && l.length < c.n * 1.125 + 1) return { median: c.median, n: l.length };
    const s = [...l].sort((a, b) => a - b);
    const r = { median: s[s.length >> 1]!, n: s.length };
    this.cache.set(cause, r);
    return r;
  }
}

export function recommend(
  cause: Cause,
  obs: Observations,
  cfg: HaproxySettings | undefined,
  killer?: string,
  proxies?: { frontend: string; backend: string; mode: 'tcp' | 'http' },
): Recommendation {
  const idle = obs.idleOf(cause);
  const cfgv = (v: number | undefined) => (v === undefined ? undefined : fmtMs(v));
  // `timeout client` is the frontend's, `timeout server` the backend's (each inherits defaults)
  const own = (name: string) => (proxies && cfg ? cfg.proxies.get(name) : undefined);
  const tunnel =
    proxies?.mode !== 'http' && cfg ? (cfg.proxies.get(proxies?.backend ?? '') ?? cfg).timeoutTunnel : undefined;
  return CAUSES[cause].recommend({
    seen: idle
      ? `${fmtMs(idle.median)}, measured from ${idle.n} session(s) that ended that long after their last query`
      : undefined,
    idle: idle ? fmtMs(idle.median) : undefined,
    timeoutClient: cfgv(own(proxies?.frontend ?? '')?.timeoutClient ?? cfg?.timeoutClient),
    timeoutServer: cfgv(own(proxies?.backend ?? '')?.timeoutServer ?? cfg?.timeoutServer),
    timeoutTunnel: tunnel === undefined ? undefined : fmtMs(tunnel),
    hardStopAfter: cfgv(cfg?.hardStopAfter),
    backend: proxies?.backend,
    killer,
  });
}
