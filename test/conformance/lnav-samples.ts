/** Test helper (not a test file): the sample lines lnav keeps in its format definitions. */
import fs from 'node:fs';

/** The `sample` lines of an lnav format definition (lnav/src/formats/*.json). */
export function lnavSamples(file: string): string[] {
  const def = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { sample?: Array<{ line: string }> }>;
  return Object.values(def).flatMap((f) => (typeof f === 'object' && f?.sample ? f.sample.map((s) => s.line) : []));
}
