// Runs one scenario: fresh rsyslogd + two MariaDB replicas + HAProxy + app lanes, the scenario's script with
// its injections (each journaled with the orchestrator's own clock), then stops everything by PID and writes
// the logs + ground-truth.json into <out>/<scenario>/.
import fs from 'node:fs';
import path from 'node:path';
import { Haproxy, haproxyJournalConfig, type HaproxyOptions } from './haproxy.js';
import { Lane, APP_LOG, type Bookkeeping } from './lane.js';
import { REPLICAS, Replica } from './mariadb.js';
import { ProcessRegistry, sleep } from './proc.js';
import { Rsyslog } from './rsyslog.js';
import { computeTruth } from './truth.js';
import type { AppKind, GroundTruth, JournalEntry } from './types.js';
import { Injector } from './inject.js';

export interface ScenarioDef {
  id: string;
  name: string;
  haproxy?: Partial<HaproxyOptions>;
  lanes?: Partial<Record<AppKind, number>>;
  run(ctx: ScenarioCtx): Promise<void>;
}

export interface ScenarioSummary {
  name: string;
  ms: number;
  errors: number;
  silent: number;
  conns: number;
  problems: string[];
  causes: Record<string, number>;
}

const DEFAULT_HAPROXY: HaproxyOptions = {
  timeoutClientMs: 30000,
  timeoutServerMs: 30000,
  onMarkedDown: false,
  hardStopAfterMs: null,
  customFrontend: false,
  reports: null,
};
const LANE_PREFIX: Record<AppKind, string> = { php: 'php', node: 'node', python: 'py' };

export class ScenarioCtx extends Injector {
  readonly lanes: Lane[] = [];
  t0 = Date.now();

  lane(name: string): Lane {
    const l = this.lanes.find((x) => x.name === name);
    if (!l) throw new Error(`no lane ${name}`);
    return l;
  }
  byApp(app: AppKind): Lane[] {
    return this.lanes.filter((l) => l.app === app);
  }
  /** waits until `ms` after the scenario start */
  at(ms: number): Promise<void> {
    return sleep(this.t0 + ms - Date.now());
  }
  /** connects unless a global injection holds the gate (restart/reload windows: the model needs a known owner) */
  async connect(l: Lane, port?: number): Promise<void> {
    await this.gateOpen();
    const c = await l.connect(port);
    if (!c) throw new Error(`${l.name}: connect failed`);
  }
}

/** Pretty at the top level, one line per array element: readable, diff-friendly and compact. */
export function stringifyTruth(gt: object): string {
  const parts = Object.entries(gt).map(([k, v]) => {
    if (Array.isArray(v))
      return `  ${JSON.stringify(k)}: [${v.length ? '\n' + v.map((x) => '    ' + JSON.stringify(x)).join(',\n') + '\n  ' : ''}]`;
    return `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
  });
  return `{\n${parts.join(',\n')}\n}\n`;
}

/**
 * HAProxy writes a session's line when the session ends, and rsyslog writes it a moment later; the
 * capture point cuts everything after it away with the teardown. A fixed 600 ms pause does not prove
 * the last lanes' sessions are in the file under load (CI's 2 cores), and a line cut off would leave
 * its app error without a session: a lab artefact, not a correlate miss. So also wait (5 s at most)
 * until HAProxy holds no client session and the log has stopped growing.
 */
async function drained(haproxy: Haproxy, haproxyLog: string): Promise<void> {
  const until = Date.now() + 5000;
  // sessions() lists client sessions only (the runtime API's own unix-socket session does not match)
  while (Date.now() < until && (await haproxy.sessions().catch(() => [])).length > 0) await sleep(50);
  const sizeOf = () => (fs.existsSync(haproxyLog) ? fs.statSync(haproxyLog).size : 0);
  let size = sizeOf();
  for (let stable = 0; stable < 4 && Date.now() < until + 3000;) {
    await sleep(100);
    const now = sizeOf();
    stable = now === size ? stable + 1 : 0;
    size = now;
  }
}

export async function runScenario(
  def: ScenarioDef,
  opts: { outRoot: string; stateRoot: string; template: string; repoRoot: string; log: (s: string) => void },
): Promise<ScenarioSummary> {
  const started = Date.now();
  const outDir = path.join(opts.outRoot, def.name);
  const stateDir = path.join(opts.stateRoot, def.name);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  fs.mkdirSync(path.join(outDir, 'extra'), { recursive: true });
  for (const f of Object.values(APP_LOG)) fs.writeFileSync(path.join(outDir, f), '');

  const reg = new ProcessRegistry();
  const journal: JournalEntry[] = [];
  const book: Bookkeeping = { conns: [], errors: [] };
  const hopts: HaproxyOptions = { ...DEFAULT_HAPROXY, ...def.haproxy };
  const replicas = REPLICAS.map((s) => new Replica(s, reg, stateDir, outDir));
  const haproxy = new Haproxy(reg, stateDir, outDir, REPLICAS);
  const rsyslog = new Rsyslog(reg, stateDir, outDir);
  const ctx = new ScenarioCtx(reg, journal, haproxy, replicas, hopts);
  const problems: string[] = [];
  const logFiles = [
    path.join(outDir, 'haproxy.log'),
    path.join(outDir, 'extra', 'haproxy-rfc3339.log'),
    ...replicas.flatMap((r) => [r.errorLog, r.generalLog]),
  ];
  let captureEnd: Array<readonly [string, number]> = [];

  try {
    await rsyslog.start();
    for (const r of replicas) r.prepare(opts.template);
    await Promise.all(replicas.map((r) => ctx.startReplica(r.name)));
    haproxy.writeConfig(hopts);
    const hp = await haproxy.start();
    journal.push({ t: hp.startedAt, kind: 'haproxy_start', pid: hp.pid, ...haproxyJournalConfig(hopts) });
    await Promise.all(replicas.map((r) => haproxy.waitServer(r.name, 'UP')));
    ctx.watchServers();
    for (const app of ['php', 'node', 'python'] as AppKind[]) {
      for (let i = 1; i <= (def.lanes?.[app] ?? 2); i++) {
        const l = new Lane(
          `${LANE_PREFIX[app]}-${i}`,
          app,
          reg,
          { repoRoot: opts.repoRoot, scenarioOut: outDir, stateDir },
          book,
        );
        l.start();
        ctx.lanes.push(l);
      }
    }
    ctx.t0 = Date.now();
    await def.run(ctx);
    await Promise.all(ctx.lanes.map((l) => l.exit()));
    // The capture window ends here: the teardown below (HAProxy soft-stop, MariaDB "Normal shutdown") is an
    // artefact of the lab, not part of the incident, so the logs are cut back to this point afterwards.
    await sleep(600);
    await drained(haproxy, logFiles[0]!);
    captureEnd = logFiles.map((f) => [f, fs.existsSync(f) ? fs.statSync(f).size : 0] as const);
  } catch (e) {
    problems.push(`scenario aborted: ${(e as Error).stack ?? String(e)}`);
  } finally {
    await ctx.stopWatching();
    await haproxy.stop().catch(() => undefined);
    await Promise.all(replicas.map((r) => r.stop('SIGTERM').catch(() => undefined)));
    await rsyslog.stop().catch(() => undefined);
    await reg.stopAll();
  }
  for (const [f, size] of captureEnd) if (fs.existsSync(f) && fs.statSync(f).size > size) fs.truncateSync(f, size);

  const truth = computeTruth(book.conns, book.errors, journal);
  problems.push(...truth.problems);
  const gt: GroundTruth = {
    scenario: def.name,
    servers: Object.fromEntries(
      replicas.map((r) => [r.name, { error: path.basename(r.errorLog), general: path.basename(r.generalLog) }]),
    ),
    app_errors: truth.app_errors,
    silent_closures: truth.silent_closures,
    journal: [...journal].sort((a, b) => a.t - b.t),
    connections: truth.verdicts.map(({ conn: c, closure }) => ({
      key: c.key,
      app: c.app,
      local_port: c.local_port,
      mysql_instance: c.instance,
      mysql_thread_id: c.thread_id,
      haproxy_backend_source_port: c.backend_port,
      frontend_port: c.frontend_port,
      opened_ms: c.opened_ms,
      ended: c.end ?? null,
      ops: c.ops.length,
      closure: closure ? { cause: closure.cause, closed_at_ms: closure.closed_at_ms, why: closure.why } : null,
    })),
    validation: { problems },
  };
  fs.writeFileSync(path.join(outDir, 'ground-truth.json'), stringifyTruth(gt));
  // the full per-operation bookkeeping, for debugging the model (not needed by consumers of the ground truth)
  fs.writeFileSync(
    path.join(outDir, 'extra', 'bookkeeping.json'),
    JSON.stringify({ conns: book.conns, errors: book.errors }) + '\n',
  );
  const causes: Record<string, number> = {};
  for (const e of truth.app_errors) causes[e.cause] = (causes[e.cause] ?? 0) + 1;
  for (const s of truth.silent_closures) causes[`silent:${s.cause}`] = (causes[`silent:${s.cause}`] ?? 0) + 1;
  return {
    name: def.name,
    ms: Date.now() - started,
    errors: truth.app_errors.length,
    silent: truth.silent_closures.length,
    conns: book.conns.length,
    problems,
    causes,
  };
}
