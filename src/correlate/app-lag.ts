/**
 * How long an app takes to use a dead idle connection again (its next-use lag), learned from its own errors:
 * the first-use half of the time model (likelihood.ts, docs/confidence.md "The next-use lag").
 *
 * Why learned: the lag is a property of the app's loop, not of MySQL or HAProxy — a busy pool reuses a
 * connection within milliseconds, a queue worker after minutes (the lab's apps: 0 to 24.5 s,
 * docs/lab-findings.md §3 scenario 11). Before any evidence every order of magnitude up to `max_error_lag`
 * is equally likely (the scale-free prior of a duration whose scale is unknown: one pseudo-count per
 * octave); each time-only join then adds its posterior, each candidate's share to the octave of that
 * candidate's lag (the E-step of an online EM, as for the learned origin: app-origin.ts). A fixed
 * scale-free density weighed a closure 5 minutes back as much as one 5 seconds back per octave, where the
 * apps of the bench never wait longer than 30 s: the competitors' weight was overstated.
 *
 * The distribution is a mass per octave — [0, 1 s), [1, 2 s), [2, 4 s), … up to `max_error_lag` — spread inside each
 * octave as 1/lag (flat in the first).
 */

/** the first octave's upper end: below a second, lags cannot be told apart on whole-second stamps */
const FIRST = 1000;
/** octaves kept (2^20 s ≈ 12 days: beyond any sensible max_error_lag) */
const OCTAVES = 21;

/** octave i covers [lo(i), lo(i + 1)): a table, as `mass` reads it for every candidate of every time-only error
 *  (computing the power each time was ~8 % of `correlate`'s CPU on the bench's correlated set) */
const LO = Float64Array.from({ length: OCTAVES + 1 }, (_, i) => (i === 0 ? 0 : FIRST * 2 ** (i - 1)));
const lo = (i: number): number => LO[i]!;

function octaveOf(lag: number): number {
  if (lag < FIRST) return 0;
  return Math.min(OCTAVES - 1, 1 + Math.floor(Math.log2(lag / FIRST)));
}

/** one app's learned lag counts (prior pseudo-counts not included) */
class LagCounts {
  readonly n = new Float64Array(OCTAVES);
  total = 0;
}

/** per app log: its next-use lags */
export class AppLags {
  private readonly byFile = new Map<string, LagCounts>();
  /** told before each change (learned.ts) */
  changing: (() => void) | undefined;

  /**
   * The probability that the app's next use comes `from` .. `to` ms (from ≤ to) after the close, for lags up
   * to `maxLag` (the correlation window: none longer is ever joined).
   */
  mass(file: string, from: number, to: number, maxLag: number): number {
    const c = this.byFile.get(file);
    const last = octaveOf(Math.max(0, maxLag - 1));
    const end = (i: number) => (i === last ? maxLag : lo(i + 1));
    const a = Math.max(0, from),
      b = Math.min(to, maxLag);
    if (!(b > a)) return 0;
    const total = (c?.total ?? 0) + last + 1;
    let m = 0;
    for (let i = octaveOf(a); i <= last && lo(i) < b; i++) {
      const x0 = Math.max(a, lo(i)),
        x1 = Math.min(b, end(i));
      if (!(x1 > x0)) continue;
      // within an octave every lag is as likely as its scale says (density ∝ 1/lag, as the prior over octaves);
      // the first one, below a second, is flat: lags that short cannot be told apart
      const part = i === 0 ? (x1 - x0) / (end(i) - lo(i)) : Math.log(x1 / x0) / Math.log(end(i) / lo(i));
      m += (((c?.n[i] ?? 0) + 1) / total) * part;
    }
    return m;
  }

  /** adds one error's evidence: `share` (0–1) of it says the app met a closure `lag` ms after it */
  learn(file: string, lag: number, share: number): void {
    if (!(share > 0)) return;
    this.changing?.();
    let c = this.byFile.get(file);
    if (!c) this.byFile.set(file, (c = new LagCounts()));
    c.n[octaveOf(Math.max(0, lag))]! += share;
    c.total += share;
  }

  /** the counts per octave, to be saved with the agent's checkpoints (learned.ts) */
  serialise(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [file, c] of this.byFile) out[file] = [...c.n];
    return out;
  }

  /** replaces the counts with saved ones */
  restore(saved: Record<string, number[]>): void {
    this.byFile.clear();
    for (const [file, n] of Object.entries(saved)) {
      const c = new LagCounts();
      n.slice(0, OCTAVES).forEach((x, i) => {
        if (Number.isFinite(x) && x > 0) {
          c.n[i] = x;
          c.total += x;
        }
      });
      this.byFile.set(file, c);
    }
  }
}
