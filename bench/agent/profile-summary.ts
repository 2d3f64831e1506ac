/**
 * Sums the self time of a V8 CPU profile (`node --cpu-prof`, e.g. the agent's under
 * BENCH_AGENT_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR") by function and by file, for
 * docs/benchmark-agent.md "CPU per line":
 *
 *   node dist/bench/agent/profile-summary.js FILE.cpuprofile [top]
 *
 * A profile is a tree of nodes (a call frame each) and a list of samples (the node on top of the stack) with
 * the time since the previous sample (`timeDeltas`): a sample's time is the delta that follows it, the
 * interval it stood for (https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile).
 * `(idle)` is the main thread waiting; `(garbage collector)` and `(program)` are V8's own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Breakdown {
  /** µs per function (`name file:line`) and per file, busy = all but (idle) */
  byFunction: Map<string, number>;
  byFile: Map<string, number>;
  totalUs: number;
  idleUs: number;
}

/** a file shown from its package or from the repo's dist/ on, so that two runs' tables compare */
function shortFile(url: string): string {
  if (!url) return '(native)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm);
  const d = u.lastIndexOf('/dist/');
  if (d >= 0) return u.slice(d + 6);
  return u.startsWith('node:') ? u : path.basename(u);
}

export function breakdown(p: Profile): Breakdown {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const us = p.timeDeltas[i + 1] ?? 0;
    const n = byId.get(p.samples[i]!);
    if (!n) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const file = shortFile(url);
    const fn = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  return { byFunction, byFile, totalUs, idleUs };
}

function table(title: string, m: Map<string, number>, busyUs: number, top: number): string {
  const rows = [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(
    ([k, us]) => `${(us / 1e6).toFixed(2).padStart(8)} s ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${k}`,
  );
  return `${title}\n${lines.join('\n')}\n`;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile-summary FILE.cpuprofile [top]\n');
    process.exit(2);
  }
  const top = Number(topArg ?? 30);
  const b = breakdown(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const busy = b.totalUs - b.idleUs;
  process.stdout.write(
    `profile ${(b.totalUs / 1e6).toFixed(1)} s, idle ${(b.idleUs / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s\n\n` +
      table('self time by file (busy)', b.byFile, busy, top) +
      '\n' +
      table('self time by function (busy)', b.byFunction, busy, top),
  );
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) main();
