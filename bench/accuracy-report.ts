/**
 * Prints one correlate run's accuracy against truth.json: the share of right causes (per cause, the
 * worst confusions, per join method) and whether `goneaway.confidence` is a probability (reliability
 * table, expected calibration error, deciles ≥ 0.8 that are right less often than 80 %).
 */
import type { Accuracy } from './accuracy.js';
import { expectedCalibrationError, overconfidentBins, reliability } from './calibration.js';
import { fmtInt, fmtNum, mark, type Table } from './table.js';

export function reportAccuracy(t: Table, label: string, a: Accuracy, details = true): void {
  t.ratio(
    `accuracy: cause matches truth.json${label}`,
    a.correct / Math.max(1, a.truth),
    '(extra figure)',
    '',
    `${fmtInt(a.correct)}/${fmtInt(a.truth)} correct, ${fmtInt(a.found)} app errors reported${a.badLines ? `, ${a.badLines} non-JSON lines` : ''}`,
  );
  if (details) {
    for (const [cause, [ok, n]] of Object.entries(a.byCause).sort((x, y) => y[1][1] - x[1][1]))
      t.note(`    ${cause.padEnd(26)} ${fmtInt(ok).padStart(7)}/${fmtInt(n).padEnd(7)} ${fmtNum((100 * ok) / n, 1)} %`);
    for (const [k, n] of a.confusions) t.note(`    wrong: ${k} ×${fmtInt(n)}`);
  }
  for (const [method, [ok, n]] of Object.entries(a.byMethod).sort((x, y) => y[1][1] - x[1][1]))
    t.note(
      `    join ${method.padEnd(24)} ${fmtInt(ok).padStart(7)}/${fmtInt(n).padEnd(7)} ${fmtNum((100 * ok) / n, 1)} % right`,
    );
  // is the confidence a probability? (issue: ECE ≤ 0.05, no decile ≥ 0.8 below 0.8)
  const table = reliability(a.scored);
  const ece = expectedCalibrationError(table);
  t.ratio(`calibration: expected calibration error${label}`, ece, '≤ 0.05', mark(ece <= 0.05));
  const over = overconfidentBins(table);
  t.ratio(
    `calibration: deciles ≥ 0.8 below 0.8 accuracy${label}`,
    over.length,
    '0',
    mark(over.length === 0),
    over.map((b) => `${fmtNum(b.lo, 1)}: ${fmtNum(100 * b.accuracy, 1)} %`).join(', '),
  );
  if (details)
    for (const [what, groups] of [
      ['join', a.calibrationBy.method],
      ['said', a.calibrationBy.cause],
    ] as const)
      for (const [k, g] of Object.entries(groups).sort((x, y) => y[1].n - x[1].n))
        t.note(
          `    ${what} ${k.padEnd(26)} ${fmtInt(g.n).padStart(7)} verdicts, mean confidence ${fmtNum(g.confidence / g.n, 2)}, right ${fmtNum((100 * g.correct) / g.n, 1)} %`,
        );
  if (details)
    for (const b of table)
      if (b.n)
        t.note(
          `    confidence ${fmtNum(b.lo, 1)}–${fmtNum(b.hi, 1)}: ${fmtInt(b.n).padStart(7)} verdicts, mean ${fmtNum(b.meanConfidence, 2)}, right ${fmtNum(100 * b.accuracy, 1)} %`,
        );
}
