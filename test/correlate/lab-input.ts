/**
 * The lab runs the Correlator's whole-input tests read: the bundled examples/lab/13_mixed and the kept lab runs
 * (test/fixtures/lab-runs), each as the batch driver's input with the defaults of `correlate.*`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../cli/paths.js';
import {
  fileSources,
  mergeSources,
  type CorrelateInput,
  type TimedRecord,
} from '../../src/correlate/correlate-batch.js';
import type { CorrelateStats } from '../../src/correlate/engine.js';
import { makeZone } from '../../parsers/zones.js';

interface Truth {
  servers: Record<string, { error: string; general: string }>;
}

export function labInput(dir: string): CorrelateInput {
  const gt = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as Truth;
  const f = (n: string) => path.join(dir, n);
  const servers = Object.entries(gt.servers);
  return {
    haproxy: [f('haproxy.log')],
    mysqlError: servers.map(([server, s]) => ({ server, path: f(s.error) })),
    mysqlGeneral: servers.map(([server, s]) => ({ server, path: f(s.general) })),
    app: ['app-php.log', 'app-node.log', 'app-python.log'].map(f),
    ctx: { zone: makeZone('UTC') },
    // the defaults of `correlate.*` (src/config/schema.ts)
    skew: 1000,
    maxLag: 900_000,
    settle: 5000,
  };
}

export const labDirs = [
  path.join(ROOT, 'examples/lab/13_mixed'),
  ...fs
    .readdirSync(path.join(ROOT, 'test/fixtures/lab-runs'))
    .map((d) => path.join(ROOT, 'test/fixtures/lab-runs', d))
    .filter((d) => fs.existsSync(path.join(d, 'ground-truth.json'))),
];

/** `input`'s records as the batch driver merges them, and after each position the oldest record still to come: the
 *  latest watermark the merge allows once the records before it are pushed */
export function mergedRecords(
  input: CorrelateInput,
  stats: CorrelateStats,
): { records: TimedRecord[]; oldestAfter: number[] } {
  const records: TimedRecord[] = [...mergeSources(fileSources(input, stats), stats)];
  const oldestAfter: number[] = new Array<number>(records.length + 1).fill(Infinity);
  for (let i = records.length - 1; i >= 0; i--) oldestAfter[i] = Math.min(records[i]!.time, oldestAfter[i + 1]!);
  return { records, oldestAfter };
}
