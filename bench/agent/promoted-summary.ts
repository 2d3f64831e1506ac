/**
 * Sums two sampling heap profiles of the same run's kind (promoted-sampling.ts) by allocation site: what reached
 * the old generation (OLD: sampled without the objects scavenges collected) beside all that was allocated (ALL:
 * with them), and the share of each site's bytes that was promoted.
 *
 *   node dist/bench/agent/promoted-summary.js OLD.heapprofile [ALL.heapprofile] [top]
 *
 * A profile is a tree of call frames, each with the bytes sampled as allocated there (`selfSize`:
 * https://chromedevtools.github.io/devtools-protocol/tot/HeapProfiler/#type-SamplingHeapProfile). Sites are
 * named `function file:line` of what ran (the bundle's chunks: the line leads to the source's function).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** bytes by site, and their total */
export function bySite(file: string): { sites: Map<string, number>; total: number } {
  const head = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head;
  const sites = new Map<string, number>();
  let total = 0;
  const stack = [head];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.selfSize) {
      const f = n.callFrame;
      const site = `${f.functionName || '(anonymous)'} ${path.basename(f.url) || '(native)'}:${f.lineNumber + 1}`;
      sites.set(site, (sites.get(site) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    stack.push(...n.children);
  }
  return { sites, total };
}

function main(): void {
  const [oldFile, second, third] = process.argv.slice(2);
  if (!oldFile) throw new Error('usage: promoted-summary.js OLD.heapprofile [ALL.heapprofile] [top]');
  const allFile = second && !/^\d+$/.test(second) ? second : undefined;
  const top = Number((allFile ? third : second) ?? 25);
  const old = bySite(oldFile);
  const all = allFile ? bySite(allFile) : undefined;
  const mb = (b: number): string => (b / 1e6).toFixed(1).padStart(8);
  console.log(`reached the old generation: ${mb(old.total)} MB` + (all ? `; allocated: ${mb(all.total)} MB` : ''));
  console.log(`${'old MB'.padStart(8)} ${'share'.padStart(6)}${all ? `${'all MB'.padStart(9)} promoted` : ''}  site`);
  for (const [site, b] of [...old.sites].sort((x, y) => y[1] - x[1]).slice(0, top)) {
    const share = `${((100 * b) / old.total).toFixed(1)}%`.padStart(6);
    const a = all?.sites.get(site);
    const promoted = all ? `${mb(a ?? 0)} ${a ? `${Math.round((100 * b) / a)}%` : '-'}`.padEnd(18) : '';
    console.log(`${mb(b)} ${share} ${promoted} ${site}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) main();
