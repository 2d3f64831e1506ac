/**
 * The byte writers of `--format ndjson` (src/sinks/json-bytes.ts, event-bytes.ts) against JSON.stringify: the
 * values written one line each through the real output buffer into a file, and what JSON.stringify gives.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openOutput, type BufferedOutput } from '../../src/sinks/output.js';

export function written<T>(
  write: (out: BufferedOutput, v: T) => void,
  values: readonly T[],
): { got: string; want: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-ndjson-bytes-'));
  try {
    const file = path.join(dir, 'out.ndjson');
    const o = openOutput(file);
    for (const v of values) write(o, v);
    o.close();
    return { got: readFileSync(file, 'utf8'), want: values.map((v) => `${JSON.stringify(v)}\n`).join('') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
