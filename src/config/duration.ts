/** Durations in the config and on the command line. */
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "2s", "500ms", "1.5m", "1h" or a number of milliseconds → ms; undefined when not a duration */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const m = DURATION.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
}
