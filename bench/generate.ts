/**
 * Seeded, streaming log generators for the benchmark (and for tests that need big inputs).
 *
 * CLI: node dist/bench/generate.js --kind tcplog|httplog|mariadb-error|mariadb-general|mysql8-error|mysql8-general
 *                                  --lines N --seed S --out FILE [--start ISO]
 *      node dist/bench/generate.js --kind correlated --haproxy-lines N --mysql-lines N --app-errors N --seed S --out
 * DIR
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { generateTcplog, generateHttplog, type GenOptions, type GenStats } from './gen-haproxy.js';
import {
  generateMariadbError,
  generateMariadbGeneral,
  generateMysql8Error,
  generateMysql8General,
} from './gen-mysql.js';
import { generateCorrelated } from './correlated/scenario.js';
import { seedFrom } from './prng.js';

export type { GenOptions, GenStats } from './gen-haproxy.js';
export { generateTcplog, generateHttplog } from './gen-haproxy.js';
export {
  generateMariadbError,
  generateMariadbGeneral,
  generateMysql8Error,
  generateMysql8General,
} from './gen-mysql.js';
export { generateCorrelated } from './correlated/scenario.js';
export type { CorrelatedOptions, CorrelatedManifest, TruthEntry } from './correlated/scenario.js';

export const KINDS = [
  'tcplog',
  'httplog',
  'mariadb-error',
  'mariadb-general',
  'mysql8-error',
  'mysql8-general',
] as const;
export type Kind = (typeof KINDS)[number];

export function generate(kind: Kind, o: GenOptions): Promise<GenStats> {
  switch (kind) {
    case 'tcplog':
      return generateTcplog(o);
    case 'httplog':
      return generateHttplog(o);
    case 'mariadb-error':
      return generateMariadbError(o);
    case 'mariadb-general':
      return generateMariadbGeneral(o);
    case 'mysql8-error':
      return generateMysql8Error(o);
    case 'mysql8-general':
      return generateMysql8General(o);
  }
}

function parseArgs(argv: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) m.set(a.slice(2, eq), a.slice(eq + 1));
    else m.set(a.slice(2), argv[++i] ?? '');
  }
  return m;
}

function positiveInt(v: string | undefined, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer (got ${v ?? 'nothing'})`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const kind = args.get('kind');
  const out = args.get('out');
  const seed = seedFrom(args.get('seed'), 1);
  if (!out) throw new Error('--out is required');
  if (kind === 'correlated') {
    const m = await generateCorrelated({
      haproxyLines: positiveInt(args.get('haproxy-lines') ?? '200000', 'haproxy-lines'),
      mysqlLines: positiveInt(args.get('mysql-lines') ?? '100000', 'mysql-lines'),
      appErrors: positiveInt(args.get('app-errors') ?? '2000', 'app-errors'),
      seed,
      dir: out,
    });
    process.stdout.write(JSON.stringify(m, null, 2) + '\n');
    return;
  }
  if (!kind || !(KINDS as readonly string[]).includes(kind))
    throw new Error(`--kind must be one of ${KINDS.join('|')}|correlated`);
  const start = args.get('start');
  const o: GenOptions = { lines: positiveInt(args.get('lines'), 'lines'), seed, out };
  if (start) {
    const t = Date.parse(start);
    if (Number.isNaN(t)) throw new Error(`--start: not an ISO date: ${start}`);
    o.start = t;
  }
  const st = await generate(kind as Kind, o);
  process.stdout.write(`${path.basename(out)}: ${st.lines} lines, ${st.bytes} bytes\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`generate: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
