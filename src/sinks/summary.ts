/** The answer first: errors by terminator and cause, and the fixes to make (shared by table, JSON and HTML). */
import type { CorrelateStats } from '../correlate/engine.js';
import type { VerdictEvent } from '../correlate/event.js';

export interface CauseRow {
  cause: string;
  terminated_by: string;
  app_errors: number;
  connections: number;
  mean_confidence: number;
  recommendation: { setting: string; text: string; current?: string; observed?: string } | undefined;
}

export interface Summary {
  app_errors: number;
  connections: number;
  by_terminator: Record<string, number>;
  causes: CauseRow[];
  files: Array<{ path: string; kind: string; records: number; unparsed: number }>;
}

export function summarize(events: readonly VerdictEvent[], stats: CorrelateStats): Summary {
  const byTerm: Record<string, number> = {};
  const rows = new Map<string, CauseRow & { confSum: number }>();
  let appErrors = 0,
    connections = 0;
  for (const e of events) {
    // events read back from a file may lack fields the type promises: the summary still counts them
    const ga: Partial<VerdictEvent['goneaway']> = e.goneaway ?? {};
    const kind = ga.kind;
    const cause = String(ga.cause ?? 'unknown');
    const term = String(ga.terminated_by ?? 'unknown');
    let row = rows.get(cause);
    if (!row) {
      row = {
        cause,
        terminated_by: term,
        app_errors: 0,
        connections: 0,
        mean_confidence: 0,
        confSum: 0,
        recommendation: undefined,
      };
      rows.set(cause, row);
    }
    if (kind === 'app_error') {
      appErrors++;
      row.app_errors++;
      byTerm[term] = (byTerm[term] ?? 0) + 1;
    } else {
      connections++;
      row.connections++;
    }
    row.confSum += Number(ga.confidence ?? 0);
    // the last event's recommendation has seen the most observations
    row.recommendation = ga.recommendation;
  }
  const causes = [...rows.values()]
    .map(({ confSum, ...r }) => ({
      ...r,
      mean_confidence: Math.round((confSum / Math.max(1, r.app_errors + r.connections)) * 100) / 100,
    }))
    .sort((a, b) => b.app_errors - a.app_errors || b.connections - a.connections);
  return {
    app_errors: appErrors,
    connections,
    by_terminator: byTerm,
    causes,
    files: stats.files.map((f) => ({
      path: f.path,
      kind: f.kind,
      records: f.records,
      unparsed: f.byKind.unparsed ?? 0,
    })),
  };
}
