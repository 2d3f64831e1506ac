/**
 * Is `goneaway.confidence` a probability? A reliability table (confidence bins → observed accuracy) and
 * the expected calibration error (ECE: the bins' |accuracy − mean confidence|, weighted by their share
 * of the verdicts), as in Guo et al., "On Calibration of Modern Neural Networks" (ICML 2017,
 * https://arxiv.org/abs/1706.04599), section 2. Pure functions: the bench feeds them (confidence, right?)
 * pairs scored against the generated truth.
 */
export interface Scored {
  confidence: number;
  correct: boolean;
}

export interface Bin {
  /** [lo, hi) — the last bin includes 1 */
  lo: number;
  hi: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

/** Ten equal-width bins (deciles of the confidence scale); empty bins are kept with n = 0. */
export function reliability(points: readonly Scored[], bins = 10): Bin[] {
  const acc = Array.from({ length: bins }, (_, i) => ({ lo: i / bins, hi: (i + 1) / bins, n: 0, c: 0, ok: 0 }));
  for (const p of points) {
    const c = Math.min(1, Math.max(0, p.confidence));
    const b = acc[Math.min(bins - 1, Math.floor(c * bins))]!;
    b.n++;
    b.c += c;
    if (p.correct) b.ok++;
  }
  return acc.map((b) => ({
    lo: b.lo,
    hi: b.hi,
    n: b.n,
    meanConfidence: b.n ? b.c / b.n : 0,
    accuracy: b.n ? b.ok / b.n : 0,
  }));
}

export function expectedCalibrationError(table: readonly Bin[]): number {
  const total = table.reduce((s, b) => s + b.n, 0);
  if (total === 0) return 0;
  return table.reduce((s, b) => s + (b.n / total) * Math.abs(b.accuracy - b.meanConfidence), 0);
}

/** The bins at or above `from` whose accuracy is below `from` (the "no decile ≥ 0.8 below 0.8"). */
export function overconfidentBins(table: readonly Bin[], from = 0.8): Bin[] {
  return table.filter((b) => b.n > 0 && b.lo >= from - 1e-9 && b.accuracy < from);
}
