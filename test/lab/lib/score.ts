// Scores `goneaway correlate --format ndjson` output of one lab scenario against its ground-truth.json.
// Pure (the caller reads the files): unit-tested in ground-truth.test.ts.
import path from 'node:path';
import type { GroundTruth } from './types.js';

/** The fields of a correlate output event this scorer reads (docs/documents.md "goneaway correlate output"). */
export interface CorrelateEvent {
  goneaway?: { kind?: string; cause?: string; terminated_by?: string };
  log?: { file?: { path?: string }; offset?: number };
  source?: { port?: number };
}

export interface ScenarioScore {
  scenario: string;
  total: number; // app errors in the ground truth
  found: number; // matched by file path + offset
  causeOk: number;
  termOk: number;
  portChecked: number; // errors whose log line carries the local port (Node)
  portOk: number;
  extra: string[]; // app_error events that are not in the ground truth
  misses: string[]; // human-readable mismatches
}

const key = (file: string, offset: number): string => `${file}@${offset}`;

/** `dir` is the scenario folder: ground-truth files are relative to it, event paths are resolved against cwd. */
export function scoreScenario(gt: GroundTruth, events: CorrelateEvent[], dir: string): ScenarioScore {
  const s: ScenarioScore = {
    scenario: gt.scenario,
    total: gt.app_errors.length,
    found: 0,
    causeOk: 0,
    termOk: 0,
    portChecked: 0,
    portOk: 0,
    extra: [],
    misses: [],
  };
  const byKey = new Map<string, CorrelateEvent>();
  for (const e of events) {
    if (e.goneaway?.kind !== 'app_error') continue;
    const p = e.log?.file?.path;
    const k = key(p ? path.resolve(p) : '?', e.log?.offset ?? -1);
    byKey.set(k, e);
  }
  const expected = new Set<string>();
  for (const t of gt.app_errors) {
    const k = key(path.resolve(dir, t.file), t.offset);
    expected.add(k);
    const e = byKey.get(k);
    const label = `${t.file}@${t.offset} ${t.lane} ${t.code}`;
    if (!e) {
      s.misses.push(`${label}: not reported (truth ${t.cause})`);
      continue;
    }
    s.found++;
    if (e.goneaway?.cause === t.cause) s.causeOk++;
    else s.misses.push(`${label}: cause ${e.goneaway?.cause} != ${t.cause}`);
    if (e.goneaway?.terminated_by === t.terminated_by) s.termOk++;
    else s.misses.push(`${label}: terminated_by ${e.goneaway?.terminated_by} != ${t.terminated_by}`);
    if (t.app === 'node' && t.client_local_port !== null) {
      s.portChecked++;
      if (e.source?.port === t.client_local_port) s.portOk++;
      else s.misses.push(`${label}: source.port ${e.source?.port} != ${t.client_local_port}`);
    }
  }
  for (const k of byKey.keys()) if (!expected.has(k)) s.extra.push(k);
  return s;
}

export interface Totals {
  total: number;
  found: number;
  causeOk: number;
  termOk: number;
  portChecked: number;
  portOk: number;
  extra: number;
}

export function totals(scores: ScenarioScore[]): Totals {
  const t: Totals = { total: 0, found: 0, causeOk: 0, termOk: 0, portChecked: 0, portOk: 0, extra: 0 };
  for (const s of scores) {
    t.total += s.total;
    t.found += s.found;
    t.causeOk += s.causeOk;
    t.termOk += s.termOk;
    t.portChecked += s.portChecked;
    t.portOk += s.portOk;
    t.extra += s.extra.length;
  }
  return t;
}

/** The brief's bar: all found, cause >= 95 %, terminator >= 97 %, every Node port right, nothing invented. */
export function verdict(t: Totals): string[] {
  const fails: string[] = [];
  const pct = (a: number, b: number): number => (b === 0 ? 100 : (100 * a) / b);
  if (t.found !== t.total) fails.push(`${t.total - t.found} of ${t.total} app errors not reported`);
  if (pct(t.causeOk, t.total) < 95) fails.push(`cause right for ${pct(t.causeOk, t.total).toFixed(1)} % (< 95 %)`);
  if (pct(t.termOk, t.total) < 97)
    fails.push(`terminated_by right for ${pct(t.termOk, t.total).toFixed(1)} % (< 97 %)`);
  if (t.portOk !== t.portChecked)
    fails.push(`source.port wrong for ${t.portChecked - t.portOk} of ${t.portChecked} Node errors`);
  if (t.extra > 0) fails.push(`${t.extra} app_error events not in the ground truth`);
  return fails;
}

export function scoreTable(scores: ScenarioScore[]): string {
  const pct = (a: number, b: number): string => (b === 0 ? '   -' : `${Math.round((100 * a) / b)}%`.padStart(4));
  const rows = scores.map(
    (s) =>
      `${s.scenario.padEnd(30)} ${String(s.total).padStart(6)} ${String(s.found).padStart(6)} ${pct(s.causeOk, s.total)}  ${pct(s.termOk, s.total)}  ${`${s.portOk}/${s.portChecked}`.padStart(6)} ${String(s.extra.length).padStart(6)}`,
  );
  const t = totals(scores);
  return [
    `${'scenario'.padEnd(30)} ${'errors'.padStart(6)} ${'found'.padStart(6)} cause  term   ports  extra`,
    ...rows,
    `${'TOTAL'.padEnd(30)} ${String(t.total).padStart(6)} ${String(t.found).padStart(6)} ${pct(t.causeOk, t.total)}  ${pct(t.termOk, t.total)}  ${`${t.portOk}/${t.portChecked}`.padStart(6)} ${String(t.extra).padStart(6)}`,
  ].join('\n');
}
