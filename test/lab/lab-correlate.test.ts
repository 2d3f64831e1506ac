// Integration test: install + run the real lab (HAProxy, MariaDB x2, rsyslog, PHP/Node/Python apps), then score
// `goneaway correlate` on every scenario against the ground truth the lab computed from the apps' bookkeeping.
// Bar (brief): every app error found (file path + offset), cause >= 95 %, terminated_by >= 97 %, source.port
// right for every Node error, no invented app_error. Skips (visibly) only with GONEAWAY_SKIP_LAB=1.
// GONEAWAY_LAB_DIR=<dir> scores an existing lab output instead of running the lab (quick iteration).
import { spawn, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { childEnv } from './lib/proc.js';
import { scoreScenario, scoreTable, totals, verdict, type CorrelateEvent, type ScenarioScore } from './lib/score.js';
import type { GroundTruth } from './lib/types.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function correlate(dir: string, gt: GroundTruth): CorrelateEvent[] {
  const f = (n: string): string => path.join(dir, n);
  const args = [path.join(REPO, 'bin/goneaway.js'), 'correlate', '--haproxy', f('haproxy.log')];
  for (const [srv, files] of Object.entries(gt.servers))
    args.push('--mysql-error', `${srv}=${f(files.error)}`, '--mysql-general', `${srv}=${f(files.general)}`);
  for (const a of ['app-php.log', 'app-node.log', 'app-python.log']) args.push('--app', f(a));
  if (fs.existsSync(f('haproxy.cfg'))) args.push('--haproxy-config', f('haproxy.cfg'));
  args.push('--format', 'ndjson');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: childEnv() });
  if (r.status !== 0)
    throw new Error(`goneaway correlate failed on ${dir} (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as CorrelateEvent);
}

function scoreDir(root: string): ScenarioScore[] {
  const dirs = fs
    .readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, 'ground-truth.json')))
    .sort();
  return dirs.map((d) => {
    const dir = path.join(root, d);
    const gt = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as GroundTruth;
    return scoreScenario(gt, correlate(dir, gt), dir);
  });
}

function report(label: string, scores: ScenarioScore[]): string[] {
  console.log(`\n${label}\n${scoreTable(scores)}`);
  for (const s of scores)
    for (const m of [...s.misses, ...s.extra.map((e) => `invented app_error ${e}`)].slice(0, 15))
      console.log(`  ${s.scenario}: ${m}`);
  return verdict(totals(scores));
}

function runLab(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(REPO, 'dist/test/lab/run-lab.js'), '--out', out], {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d: Buffer): void => {
      output += d.toString();
      process.stdout.write(d.toString().replace(/^(?=.)/gm, 'lab: '));
    };
    p.stdout.on('data', onData);
    p.stderr.on('data', onData);
    const timer = setTimeout(() => {
      if (p.pid) process.kill(p.pid, 'SIGTERM');
    }, 12 * 60_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test(
  'lab: real components, every cause of a dead connection, correlate scored against the ground truth',
  { timeout: 15 * 60_000 },
  async (t) => {
    if (process.env.GONEAWAY_SKIP_LAB === '1') {
      t.skip('GONEAWAY_SKIP_LAB=1: lab not run');
      return;
    }
    let root = process.env.GONEAWAY_LAB_DIR;
    let labProblems = '';
    let ownRoot = false;
    if (!root) {
      const inst = spawnSync('bash', [path.join(REPO, 'test/lab/install.sh')], { encoding: 'utf8' });
      assert.equal(
        inst.status,
        0,
        `test/lab/install.sh failed (exit ${inst.status}): ${inst.stderr.trim()}\n` +
          'The lab needs haproxy, mariadb-server, php-cli+php-mysql, python3-pymysql and rsyslog (root installs them); set GONEAWAY_SKIP_LAB=1 to skip it.',
      );
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'goneaway-lab-out-'));
      ownRoot = true;
      const lab = await runLab(root);
      assert.notEqual(lab.code, 2, `the lab could not run:\n${lab.output.slice(-3000)}`);
      if (lab.code !== 0)
        labProblems = lab.output
          .split('\n')
          .filter((l) => /PROBLEMS|^\s+- /.test(l))
          .join('\n');
    }
    const scores = scoreDir(root);
    const fails = report(`goneaway correlate vs lab ground truth (${root})`, scores);
    assert.equal(labProblems, '', `lab validation problems (ground truth not trustworthy):\n${labProblems}`);
    assert.deepEqual(fails, [], `lab output kept in ${root}`);
    // a run within the targets but with misses is kept too: a rare flake is only fixable from its logs
    // (test/fixtures/lab-runs/ holds such runs once understood)
    if (scores.some((s) => s.misses.length || s.extra.length)) console.log(`lab output with misses kept in ${root}`);
    else if (ownRoot) fs.rmSync(root, { recursive: true, force: true });
  },
);

test('bundled examples/lab logs: correlate scored against their ground truth', (t) => {
  const root = path.join(REPO, 'examples/lab');
  if (!fs.existsSync(root)) {
    t.skip('no examples/lab');
    return;
  }
  assert.deepEqual(report('goneaway correlate vs examples/lab', scoreDir(root)), []);
});

// Lab runs that once scored below 100 %, kept with their ground truth: each error must be right.
// 05_pdo_2006_twice: PDO's 2006 for the big query, then 2006 again for the next query on the dead
// handle in the same second (engine.ts: same_connection_repeat when nothing else fits).
// 04_time_only_swap: three connections per replica opened in one second and KILLed in the next;
// a greedy Connect-time pick crossed them and bound a PHP session to a DBA's KILL thread (rules.ts:
// accept-order rank among same-second threads, one clock offset for both ends of a mapping).
// 13_crash_before_down: a PHP 2006 0.5 s after a replica's kill -9, HAProxy's D- 1.3 s after the error and
// the restart's crash recovery 2 s after it; the crash was read at the restart's second, after the error, and
// an admin kill 7 s before won (likelihood.ts: a crash's first cause is an interval, docs/confidence.md).
// 14_shutdown_taken_by_time: three Python errors and a PHP one within a second of a replica's shutdown; the
// Python ones took the shutdown's closures by time (causes right, ports crossed) and the PHP one was left with
// another replica's `--` close, `unknown` (matcher.ts: MySQL's lines before a close no log explains).
test('kept lab runs that once failed: every app error found with its cause and terminator', () => {
  const root = path.join(REPO, 'test/fixtures/lab-runs');
  const scores = scoreDir(root);
  assert.ok(scores.length > 0 && scores.every((s) => s.total > 0), 'no kept lab run found');
  report('goneaway correlate vs kept lab runs', scores);
  assert.deepEqual(
    scores.flatMap((s) => [...s.misses, ...s.extra.map((e) => `invented app_error ${e}`)]),
    [],
  );
});
