// goneaway reproduction lab: real HAProxy + MariaDB + rsyslog + PHP/Node/Python apps on loopback; injects every
// cause of a dead MySQL connection and writes, per scenario, the component logs and a ground truth computed
// from the apps' bookkeeping and the injection journal (see test/lab/README.md).
// CLI: node dist/test/lab/run-lab.js --out DIR [--only 01,03] [--keep-state] [--export examples/lab]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTemplate } from './lib/mariadb.js';
import { ProcessRegistry } from './lib/proc.js';
import { runScenario, type ScenarioSummary } from './lib/scenario.js';
import { SCENARIOS } from './scenarios/index.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TCP_PORTS = [33306, 33307, 33308, 33312, 33313];
/** every port the lab listens on (TCP and rsyslog's UDP) */
const LAB_PORTS = [...TCP_PORTS, 33514];
const RESERVED = '/proc/sys/net/ipv4/ip_local_reserved_ports';

/**
 * The lab's ports lie inside Linux's ephemeral range (32768–60999 by default): a client socket the
 * kernel happens to give 33307 (an app lane's or a DBA client's connection, a probe)
 * makes the next HAProxy's bind fail, and a CI run once stopped at "haproxy exited at start". The
 * ports are reserved from ephemeral use for the lab's run (as root; best effort) and the old list is
 * put back after.
 */
function reserveLabPorts(): () => void {
  let before: string;
  try {
    before = fs.readFileSync(RESERVED, 'utf8').trim();
  } catch {
    return () => undefined;
  }
  try {
    fs.writeFileSync(RESERVED, [before, ...LAB_PORTS].filter(Boolean).join(','));
  } catch {
    return () => undefined;
  }
  return () => {
    try {
      fs.writeFileSync(RESERVED, before === '' ? '\n' : before);
    } catch {
      /* best effort */
    }
  };
}

export interface LabOptions {
  out: string;
  only?: string[];
  keepState?: boolean;
  exportTo?: string;
  log?: (s: string) => void;
}

/** what examples/lab keeps of a scenario: the logs under test, the cfg (custom log-format) and the ground truth */
const EXPORTED =
  /^(haproxy\.log|haproxy\.cfg|replica\d-(error|general)\.log|app-(php|node|python)\.log|ground-truth\.json)$/;

export function exportExamples(out: string, dest: string): void {
  fs.rmSync(dest, { recursive: true, force: true });
  for (const d of fs.readdirSync(out)) {
    const src = path.join(out, d);
    if (!fs.existsSync(path.join(src, 'ground-truth.json'))) continue;
    fs.mkdirSync(path.join(dest, d), { recursive: true });
    for (const f of fs.readdirSync(src))
      if (EXPORTED.test(f)) fs.copyFileSync(path.join(src, f), path.join(dest, d, f));
  }
}

function missingComponents(): string[] {
  const probes: Array<[string, string, string[]]> = [
    ['haproxy', 'haproxy', ['-v']],
    ['mariadbd', 'mariadbd', ['--version']],
    ['mariadb-install-db', 'sh', ['-c', 'command -v mariadb-install-db']],
    ['php pdo_mysql', 'php', ['-r', 'exit(extension_loaded("pdo_mysql") ? 0 : 1);']],
    ['python3 pymysql', '/usr/bin/python3', ['-c', 'import pymysql']],
    ['rsyslogd', '/usr/sbin/rsyslogd', ['-v']],
    ['ss', 'ss', ['-V']],
  ];
  return probes.filter(([, cmd, args]) => spawnSync(cmd, args, { stdio: 'ignore' }).status !== 0).map(([name]) => name);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function runLab(o: LabOptions): Promise<ScenarioSummary[]> {
  const log = o.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const missing = missingComponents();
  if (missing.length)
    throw new Error(`lab components missing: ${missing.join(', ')} (run test/lab/install.sh as root)`);
  if (process.getuid?.() !== 0) throw new Error('the lab runs mariadbd --user=root and ss -K: run it as root');
  for (const p of TCP_PORTS)
    if (!(await portFree(p))) throw new Error(`port ${p} on 127.0.0.1 is in use (another lab still running?)`);
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/test/lab/apps/worker-node.js')))
    throw new Error('build first: npx tsc -p .');

  const selected = o.only?.length
    ? SCENARIOS.filter((s) => o.only!.some((x) => s.id === x || s.name === x || s.name.startsWith(`${x}_`)))
    : SCENARIOS;
  if (!selected.length) throw new Error(`no scenario matches ${o.only?.join(',')}`);
  fs.mkdirSync(o.out, { recursive: true });
  const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'goneaway-lab-'));
  const reg = new ProcessRegistry();
  const results: ScenarioSummary[] = [];
  const unreserve = reserveLabPorts();
  try {
    const t = Date.now();
    const template = await makeTemplate(reg, stateRoot);
    log(`mariadb template ready in ${Date.now() - t} ms (state in ${stateRoot})`);
    for (const def of selected) {
      const r = await runScenario(def, { outRoot: o.out, stateRoot, template, repoRoot: REPO_ROOT, log });
      results.push(r);
      log(
        `${r.name.padEnd(30)} ${String(r.ms).padStart(6)} ms  conns=${r.conns} errors=${r.errors} silent=${r.silent} ${JSON.stringify(r.causes)}${r.problems.length ? `  PROBLEMS: ${r.problems.length}` : ''}`,
      );
      for (const p of r.problems) log(`    - ${p}`);
    }
  } finally {
    await reg.stopAll();
    unreserve();
    if (!o.keepState) fs.rmSync(stateRoot, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(o.out, 'summary.json'), JSON.stringify(results, null, 1) + '\n');
  return results;
}

function parseArgs(argv: string[]): LabOptions {
  const o: LabOptions = { out: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') o.out = argv[++i] ?? '';
    else if (a === '--only')
      o.only = (argv[++i] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--keep-state') o.keepState = true;
    else if (a === '--export') o.exportTo = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.out)
    throw new Error(
      'usage: node dist/test/lab/run-lab.js --out DIR [--only 01,03] [--keep-state] [--export examples/lab]',
    );
  return o;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
// `node --test dist/test/` also executes this file (no arguments): do nothing then.
if (isMain && process.argv.length > 2) {
  runLab(parseArgs(process.argv.slice(2))).then(
    (rs) => {
      const bad = rs.filter((r) => r.problems.length);
      const o = parseArgs(process.argv.slice(2));
      if (o.exportTo && !bad.length) {
        exportExamples(o.out, o.exportTo);
        process.stdout.write(`exported to ${o.exportTo}\n`);
      }
      process.stdout.write(
        `${rs.length} scenarios, ${rs.reduce((a, r) => a + r.errors, 0)} app errors, ${bad.length} with validation problems\n`,
      );
      process.exit(bad.length ? 1 : 0);
    },
    (e: Error) => {
      process.stderr.write(`lab failed: ${e.message}\n`);
      process.exit(2);
    },
  );
}
