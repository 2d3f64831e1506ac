/**
 * Accuracy of `goneaway correlate` against the scenario's truth.json: the share of app error
 * records (keyed by file name + byte offset of the record) whose reported goneaway.cause equals
 * the constructed cause. Reads the NDJSON output streaming.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TruthEntry } from './correlated/sinks.js';
import { readLines } from '../src/sources/lines.js';
import type { Scored } from './calibration.js';

/** the verdicts of one join method or one expected cause: how many, how sure they said they were, how often right */
export interface Group {
  n: number;
  confidence: number;
  correct: number;
}

export interface Accuracy {
  truth: number;
  /** app_error events of the output that name a truth record */
  found: number;
  correct: number;
  /** per expected cause: [correct, total] */
  byCause: Record<string, [number, number]>;
  /** most frequent wrong answers "expected → got" */
  confusions: Array<[string, number]>;
  /** output lines that were not JSON */
  badLines: number;
  /** every scored verdict's confidence and rightness (the calibration figures) */
  scored: Scored[];
  /** per join method: [correct, total] */
  byMethod: Record<string, [number, number]>;
  /** per app of the truth (php, node, python): [correct, total] */
  byApp: Record<string, [number, number]>;
  /** the reliability table broken down: per join method and per reported cause (where calibration fails) */
  calibrationBy: { method: Record<string, Group>; cause: Record<string, Group> };
}

interface OutEvent {
  goneaway?: { kind?: string; cause?: string; confidence?: number; join?: { method?: string } };
  log?: { file?: { path?: string }; offset?: number };
}

export async function scoreCorrelate(truthFile: string, ndjsonFile: string): Promise<Accuracy> {
  const truth = JSON.parse(await readFile(truthFile, 'utf8')) as TruthEntry[];
  const want = new Map<string, TruthEntry>();
  for (const t of truth) want.set(`${t.file}:${t.offset}`, t);
  const got = new Map<string, { cause: string; confidence: number; method: string }>();
  let badLines = 0;
  for (const { text: line } of readLines(ndjsonFile)) {
    if (!line.trim()) continue;
    let ev: OutEvent;
    try {
      ev = JSON.parse(line) as OutEvent;
    } catch {
      badLines++;
      continue;
    }
    if (ev.goneaway?.kind !== 'app_error') continue;
    const p = ev.log?.file?.path;
    if (p === undefined || typeof ev.log?.offset !== 'number') continue;
    const key = `${path.basename(p)}:${ev.log.offset}`;
    if (want.has(key))
      got.set(key, {
        cause: ev.goneaway.cause ?? 'unknown',
        confidence: typeof ev.goneaway.confidence === 'number' ? ev.goneaway.confidence : 0,
        method: ev.goneaway.join?.method ?? 'none',
      });
  }
  const byCause: Record<string, [number, number]> = {};
  const conf = new Map<string, number>();
  const byMethod: Record<string, [number, number]> = {};
  const byApp: Record<string, [number, number]> = {};
  const scored: Scored[] = [];
  const calibrationBy = { method: {} as Record<string, Group>, cause: {} as Record<string, Group> };
  const tally = (m: Record<string, Group>, k: string, confidence: number, right: boolean) => {
    const g = (m[k] ??= { n: 0, confidence: 0, correct: 0 });
    g.n++;
    g.confidence += confidence;
    if (right) g.correct++;
  };
  let correct = 0;
  for (const [key, t] of want) {
    const c = (byCause[t.cause] ??= [0, 0]);
    c[1]++;
    const g = got.get(key);
    const right = g?.cause === t.cause;
    if (g) {
      scored.push({ confidence: g.confidence, correct: right });
      tally(calibrationBy.method, g.method, g.confidence, right);
      tally(calibrationBy.cause, g.cause, g.confidence, right);
      const m = (byMethod[g.method] ??= [0, 0]);
      m[1]++;
      if (right) m[0]++;
    }
    const ap = (byApp[t.app] ??= [0, 0]);
    ap[1]++;
    if (right) ap[0]++;
    if (right) {
      correct++;
      c[0]++;
    } else {
      const k = `${t.cause} → ${g?.cause ?? '(not reported)'}`;
      conf.set(k, (conf.get(k) ?? 0) + 1);
    }
  }
  const confusions = [...conf].sort((a, b) => b[1] - a[1]).slice(0, 6);
  return {
    truth: truth.length,
    found: got.size,
    correct,
    byCause,
    confusions,
    badLines,
    scored,
    byMethod,
    byApp,
    calibrationBy,
  };
}
