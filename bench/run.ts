/**
 * `npm run bench`: generate the benchmark inputs into bench/out/ (once), then print
 *  a) in-process parser throughput + peak RSS per format (one child process each: worker.ts),
 *  b) `goneaway parse --format ndjson` on the tcplog/httplog files vs lnav's haproxy_log format, and
 *     `goneaway correlate` on the HAProxy-only tcplog file vs lnav on the same file,
 *  c) `goneaway correlate` on the correlated scenario: throughput and peak RSS at BENCH_SCALE and at half of it
 *     (is the cost linear in input?), accuracy vs truth.json.
 * Figures are printed and each target marked PASS/MISS; nothing is asserted (exit code 0), and a
 * missing CLI / parser / lnav gives "n/a: <reason>" rows instead of a failure.
 *
 * Env: BENCH_SCALE=0.1 shrinks every size; BENCH_ONLY=a,b,c picks parts; BENCH_SEED overrides the seed.
 * `npm run bench -- agent` runs the agent soak instead (bench/agent/soak.ts; BENCH_AGENT_SECONDS=30 for short);
 * `npm run bench -- pages` what a fresh page costs here (bench/fresh-pages.ts).
 */
import { existsSync, mkdirSync, renameSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, lastLine } from './spawn.js';
import { lnavHaproxy, type LnavResult } from './lnav.js';
import { scoreCorrelate } from './accuracy.js';
import { reportAccuracy } from './accuracy-report.js';
import { timeOnlyOracle } from './oracle.js';
import { appKeysOf } from './correlated/session.js';
import { seedFrom } from './prng.js';
import type { WorkerResult } from './worker.js';
import type { CorrelatedManifest } from './correlated/scenario.js';
import { Table, fmtInt, fmtNum, mark } from './table.js';
import { agentBench } from './agent/soak.js';
import { freshPagesBench } from './fresh-pages.js';

const HERE = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const REPO = path.resolve(HERE, '../..');
const OUT = path.join(REPO, 'bench', 'out');
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const SEED = seedFrom(process.env.BENCH_SEED, 20261123);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c').split(',').map((s) => s.trim()));

// sizes from the issue
const FILES = [
  { kind: 'tcplog', lines: 2_000_000, parser: 'haproxy' },
  { kind: 'httplog', lines: 2_000_000, parser: 'haproxy' },
  { kind: 'mariadb-error', lines: 1_000_000, parser: 'mysql_error' },
  { kind: 'mariadb-general', lines: 1_000_000, parser: 'mysql_general' },
  { kind: 'mysql8-error', lines: 1_000_000, parser: 'mysql_error' },
  { kind: 'mysql8-general', lines: 1_000_000, parser: 'mysql_general' },
] as const;
const CORR = { haproxyLines: 2_000_000, mysqlLines: 1_000_000, appErrors: 20_000 };
const TARGET = { tcplogLps: 1_000_000, parseRssMB: 200, correlateRssMB: 400, correlateLps: 500_000 };

const scaled = (n: number, scale = SCALE) => Math.max(1, Math.round(n * scale));
const fileOf = (kind: string, lines: number) => path.join(OUT, `${kind}-${lines}-s${SEED}.log`);
/** the correlated scenario at `scale`; part c also runs it at half the scale (is the cost linear?) */
const corrDir = (scale = SCALE) =>
  path.join(
    OUT,
    `correlated-${scaled(CORR.haproxyLines, scale)}-${scaled(CORR.mysqlLines, scale)}-${scaled(CORR.appErrors, scale)}-s${SEED}`,
  );
const log = (s: string) => process.stderr.write(s + '\n');

/** Generate missing inputs, two child processes at a time (2 cores); write to .tmp then rename. */
async function ensureInputs(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const gen = path.join(HERE, 'generate.js');
  const jobs: Array<() => Promise<void>> = [];
  for (const f of FILES) {
    const n = scaled(f.lines);
    const dst = fileOf(f.kind, n);
    if (existsSync(dst)) continue;
    jobs.push(async () => {
      log(`generating ${path.basename(dst)} (${fmtInt(n)} lines)…`);
      const r = await run(
        'node',
        [gen, '--kind', f.kind, '--lines', String(n), '--seed', String(SEED), '--out', dst + '.tmp'],
        { stdoutTo: 'pipe' },
      );
      if (r.code !== 0) throw new Error(`generate ${f.kind}: ${lastLine(r.stderr)}`);
      renameSync(dst + '.tmp', dst);
    });
  }
  for (const scale of ONLY.has('c') ? [SCALE / 2, SCALE] : []) {
    const dir = corrDir(scale);
    if (existsSync(path.join(dir, 'manifest.json'))) continue;
    jobs.push(async () => {
      log(`generating correlated scenario ${path.basename(dir)}…`);
      rmSync(dir + '.tmp', { recursive: true, force: true });
      const r = await run(
        'node',
        [
          gen,
          '--kind',
          'correlated',
          '--haproxy-lines',
          String(scaled(CORR.haproxyLines, scale)),
          '--mysql-lines',
          String(scaled(CORR.mysqlLines, scale)),
          '--app-errors',
          String(scaled(CORR.appErrors, scale)),
          '--seed',
          String(SEED),
          '--out',
          dir + '.tmp',
        ],
        { stdoutTo: 'pipe' },
      );
      if (r.code !== 0) throw new Error(`generate correlated: ${lastLine(r.stderr)}`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(dir + '.tmp', dir);
    });
  }
  const queue = [...jobs];
  await Promise.all(
    [0, 1].map(async () => {
      for (let j = queue.shift(); j; j = queue.shift()) await j();
    }),
  );
}

async function partA(t: Table): Promise<void> {
  t.section('a) in-process parsing (records built, nothing written; one child process per row)');
  const rows: ReadonlyArray<{ kind: string; lines: number; parser: string }> = [
    { kind: 'tcplog', lines: FILES[0].lines, parser: 'lines' },
    ...FILES,
  ];
  for (const f of rows) {
    const file = fileOf(f.kind, scaled(f.lines));
    const r = await run('node', [path.join(HERE, 'worker.js'), f.parser, file], { stdoutTo: 'pipe' });
    let w: WorkerResult;
    try {
      w = JSON.parse(r.stdout) as WorkerResult;
    } catch {
      w = { ok: false, what: f.parser, file, reason: lastLine(r.stderr) || `worker exited ${r.code}` };
    }
    if (!w.ok) {
      t.na(`${f.kind} (${f.parser})`, w.reason);
      continue;
    }
    const lps = w.lines / (w.ms / 1000);
    if (f.parser === 'lines') {
      t.row(
        `${f.kind}: read + split lines only (floor)`,
        w.lines,
        w.ms,
        lps,
        w.maxRssMB,
        '',
        '',
        `${fmtNum(w.bytes / 1048576 / (w.ms / 1000), 0)} MiB/s`,
      );
      continue;
    }
    const speed = f.kind === 'tcplog' ? mark(lps >= TARGET.tcplogLps) : '';
    const rss = mark(w.maxRssMB < TARGET.parseRssMB);
    t.row(
      `${f.kind} (${f.parser})`,
      w.lines,
      w.ms,
      lps,
      w.maxRssMB,
      f.kind === 'tcplog' ? `≥1,000,000 l/s, <${TARGET.parseRssMB} MB` : `<${TARGET.parseRssMB} MB`,
      [speed, rss].filter(Boolean).join(' '),
      w.failed ? `${fmtInt(w.failed)} of ${fmtInt(w.records)} records not parsed` : `${fmtInt(w.records)} records`,
    );
  }
}

function cliReady(): string | undefined {
  if (!existsSync(path.join(REPO, 'bin', 'goneaway.js'))) return 'bin/goneaway.js missing';
  if (!existsSync(path.join(REPO, 'dist', 'src', 'cli', 'main.js')))
    return 'dist/src/cli/main.js missing (CLI not built yet)';
  return undefined;
}

async function partB(t: Table): Promise<void> {
  t.section('b) goneaway parse --format ndjson FILE > /dev/null  vs  lnav haproxy_log');
  const missing = cliReady();
  for (const kind of ['tcplog', 'httplog'] as const) {
    const n = scaled(FILES.find((f) => f.kind === kind)!.lines);
    const file = fileOf(kind, n);
    let gaLps: number | undefined;
    if (missing) t.na(`goneaway parse ${kind}`, missing);
    else {
      const r = await run(
        'node',
        [path.join(REPO, 'bin', 'goneaway.js'), 'parse', '--format', 'ndjson', '--timezone', 'UTC', file],
        { stdoutTo: '/dev/null', cwd: REPO },
      );
      if (r.code !== 0) t.na(`goneaway parse ${kind}`, `exit ${r.code}: ${lastLine(r.stderr)}`);
      else {
        gaLps = n / (r.ms / 1000);
        t.row(
          `goneaway parse ${kind}`,
          n,
          r.ms,
          gaLps,
          r.maxRssMB,
          `<${TARGET.parseRssMB} MB`,
          r.maxRssMB === undefined ? 'n/a' : mark(r.maxRssMB < TARGET.parseRssMB),
          'wall time incl. node start-up',
        );
      }
    }
    const l: LnavResult = await lnavHaproxy(file, path.join(OUT, '.lnav-home'));
    if (!l.ok) {
      t.na(`lnav haproxy_log ${kind}`, l.reason);
      continue;
    }
    const lLps = n / (l.ms / 1000);
    t.row(
      `lnav haproxy_log ${kind}`,
      n,
      l.ms,
      lLps,
      l.maxRssMB,
      '',
      '',
      `${l.version.split('\n')[0]}; ${fmtInt(l.records)} records as haproxy_log, indexed to line ${fmtInt(l.lastLine + 1)}`,
    );
    if (gaLps !== undefined) t.ratio(`ratio goneaway/lnav ${kind}`, gaLps / lLps, '≥ 1', mark(gaLps / lLps >= 1));
    if (kind === 'tcplog' && !missing) await correlateHaproxyOnly(t, file, n, l);
  }
}

/** the engine issue's first speed target: `correlate` on the HAProxy-only tcplog file, against lnav on it */
async function correlateHaproxyOnly(t: Table, file: string, n: number, lnav: LnavResult & { ok: true }): Promise<void> {
  const r = await run(
    'node',
    [path.join(REPO, 'bin', 'goneaway.js'), 'correlate', '--haproxy', file, '--timezone', 'UTC', '--format', 'ndjson'],
    { stdoutTo: '/dev/null', cwd: REPO },
  );
  if (r.code !== 0) {
    t.na('goneaway correlate tcplog (HAProxy only)', `exit ${r.code}: ${lastLine(r.stderr)}`);
    return;
  }
  const lps = n / (r.ms / 1000);
  t.row('goneaway correlate tcplog (HAProxy only)', n, r.ms, lps, r.maxRssMB, '', '', 'connection events only');
  // time ratio: lnav's time ÷ correlate's (≥ 1: correlate is at least as fast)
  t.ratio('ratio lnav time / correlate time, tcplog', lnav.ms / r.ms, '≥ 1', mark(lnav.ms / r.ms >= 1), 'wall');
  if (r.cpuMs !== undefined && lnav.cpuMs !== undefined)
    t.ratio(
      'ratio lnav CPU / correlate CPU, tcplog',
      lnav.cpuMs / r.cpuMs,
      '(extra figure)',
      '',
      `CPU s: correlate ${fmtNum(r.cpuMs / 1000, 2)}, lnav ${fmtNum(lnav.cpuMs / 1000, 2)} (a shared machine moves wall time more)`,
    );
}

/** `goneaway correlate --format ndjson --out OUT` on the correlated scenario at `scale` */
async function correlateScenario(scale: number, out: string) {
  const dir = corrDir(scale);
  const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as CorrelatedManifest;
  const p = (f: string) => path.join(dir, f);
  const args = [
    path.join(REPO, 'bin', 'goneaway.js'),
    'correlate',
    '--haproxy',
    p(m.files.haproxy),
    '--haproxy-config',
    p(m.files.haproxyConfig),
  ];
  for (const [srv, f] of Object.entries(m.files.mysqlError)) args.push('--mysql-error', `${srv}=${p(f)}`);
  for (const [srv, f] of Object.entries(m.files.mysqlGeneral)) args.push('--mysql-general', `${srv}=${p(f)}`);
  for (const f of m.files.app) args.push('--app', p(f));
  // output to a file instead of /dev/null: the accuracy figure needs it (ndjson writing is part of both)
  args.push('--timezone', 'UTC', '--format', 'ndjson', '--out', out);
  const r = await run('node', args, { stdoutTo: '/dev/null', cwd: REPO });
  // lines per CPU-second: the target is on one core, and on a shared machine wall time moves with other jobs
  const cpuLps = r.cpuMs !== undefined ? m.totals.all / (r.cpuMs / 1000) : undefined;
  return { m, p, r, args, lps: m.totals.all / (r.ms / 1000), cpuLps };
}

async function partC(t: Table): Promise<void> {
  t.section('c) goneaway correlate --format ndjson on the correlated scenario');
  const missing = cliReady();
  const label = 'goneaway correlate (all input lines)';
  if (missing) {
    t.na(label, missing);
    return;
  }
  const out = path.join(OUT, 'correlate-out.ndjson');
  // half the scale first (same generator, same seed: half the lines over the same time): cost linear in
  // input means the same lines/s at both
  const half = await correlateScenario(SCALE / 2, out);
  const full = await correlateScenario(SCALE, out);
  const { m, p, r, args, lps } = full;
  for (const [x, scale] of [
    [half, SCALE / 2],
    [full, SCALE],
  ] as const) {
    if (x.r.code !== 0) {
      t.na(`${label}, scale ${scale}`, `exit ${x.r.code}: ${lastLine(x.r.stderr)}`);
      continue;
    }
    t.row(
      `${label}, scale ${scale}`,
      x.m.totals.all,
      x.r.ms,
      x.lps,
      x.r.maxRssMB,
      `≥ ${TARGET.correlateLps / 1000}k l/CPU-s, <${TARGET.correlateRssMB} MB`,
      `${x.cpuLps === undefined ? 'n/a' : mark(x.cpuLps >= TARGET.correlateLps)} / ${x.r.maxRssMB === undefined ? 'n/a' : mark(x.r.maxRssMB < TARGET.correlateRssMB)}`,
      `${x.cpuLps === undefined ? '' : `${fmtInt(x.cpuLps)} lines per CPU-second; `}${fmtInt(x.m.totals.haproxy)} haproxy + ${fmtInt(x.m.totals.mysql)} mysql + ${fmtInt(x.m.totals.app)} app lines, ${fmtInt(x.m.appErrors)} app errors`,
    );
  }
  if (r.code !== 0) return;
  if (half.r.code === 0) {
    // the generator keeps the traffic rate: half the scale is half the lines over half the time
    const [a, b] =
      full.cpuLps !== undefined && half.cpuLps !== undefined ? [full.cpuLps, half.cpuLps] : [lps, half.lps];
    t.ratio(
      `linearity: lines per ${full.cpuLps !== undefined ? 'CPU-' : ''}second at scale ${SCALE} ÷ at ${SCALE / 2}`,
      a / b,
      '≥ 0.9',
      mark(a / b >= 0.9),
      'twice the lines at the same rate over twice the time: a flat figure is a cost linear in input',
    );
  }
  const a = await scoreCorrelate(p(m.files.truth), out);
  reportAccuracy(t, '', a);
  // the best a time-only rule could do on the same errors (bench/oracle.ts defines it)
  const o = timeOnlyOracle(p(m.files.truth), p(m.files.haproxy));
  const [ok, n] = ['php', 'python'].reduce(
    ([x, y], k) => [x + (a.byApp[k]?.[0] ?? 0), y + (a.byApp[k]?.[1] ?? 0)],
    [0, 0],
  );
  t.ratio(
    'time-only errors (PHP, Python): goneaway / oracle',
    ok / Math.max(1, n),
    '(extra figure)',
    '',
    `goneaway ${fmtInt(ok)}/${fmtInt(n)}; oracles on HAProxy's facts (bench/oracle.ts): state + lag ${fmtInt(o.right)}/${fmtInt(o.errors)} = ${fmtNum((100 * o.right) / Math.max(1, o.errors), 1)} %, with the origin ${fmtInt(o.rightWithOrigin)} = ${fmtNum((100 * o.rightWithOrigin) / Math.max(1, o.errors), 1)} % (own closure among its candidates: ${fmtInt(o.seen)})`,
  );
  // how high the logs allow: the commonest story among the closures no log tells from each error's own
  t.ratio(
    'time-only errors (PHP, Python): goneaway / ceiling of any rule',
    ok / Math.max(1, o.ceiling),
    '(extra figure)',
    '',
    `goneaway ${fmtNum((100 * ok) / Math.max(1, n), 1)} %; ceiling ${fmtNum((100 * o.ceiling) / Math.max(1, o.errors), 1)} % (${fmtNum(o.ceiling, 1)}/${fmtInt(o.errors)}: the closures of one second, client, frontend and server are alike to any rule, ${fmtNum(o.meanTwins, 2)} per error; bench/oracle.ts ceilingOf)`,
  );
  // the same logs, with what an operator knows of each app (app.files[].mysql_user and frontends)
  const cfgFile = path.join(OUT, 'correlate-app-keys.yaml');
  writeFileSync(cfgFile, JSON.stringify({ app: { files: m.files.app.map((f) => ({ path: p(f), ...appKeysOf(f) })) } }));
  const keyed = path.join(OUT, 'correlate-out-app-keys.ndjson');
  const args2: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--app') i++;
    else args2.push(args[i] === out ? keyed : args[i]!);
  }
  const r2 = await run('node', [...args2, '--config', cfgFile], { stdoutTo: '/dev/null', cwd: REPO });
  if (r2.code !== 0) t.na('accuracy with app keys', `exit ${r2.code}: ${lastLine(r2.stderr)}`);
  else reportAccuracy(t, ' (app keys)', await scoreCorrelate(p(m.files.truth), keyed), false);
}

async function main(): Promise<void> {
  // `npm run bench -- agent`: the agent soak alone (bench/agent/soak.ts), none of the parts above
  if (process.argv[2] === 'agent') return agentBench(REPO);
  if (process.argv[2] === 'pages') return freshPagesBench();
  if (process.argv[2] !== undefined) throw new Error(`unknown bench "${process.argv[2]}" (known: agent, pages)`);
  if (!Number.isFinite(SCALE) || SCALE <= 0)
    throw new Error(`BENCH_SCALE must be a positive number (got ${process.env.BENCH_SCALE})`);
  await ensureInputs();
  const t = new Table();
  t.header(
    `goneaway bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, BENCH_SCALE=${SCALE}, seed ${SEED}`,
  );
  if (ONLY.has('a')) await partA(t);
  if (ONLY.has('b')) await partB(t);
  if (ONLY.has('c')) {
    try {
      await partC(t);
    } catch (e) {
      t.na('correlate', e instanceof Error ? e.message : String(e));
    }
  }
  t.footer();
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
