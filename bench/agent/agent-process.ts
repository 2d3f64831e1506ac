/**
 * The agent under test: its config (JSON, which is valid YAML), the check that `goneaway agent` exists,
 * starting it, and stopping it with SIGTERM. Its stdout and stderr go to files in the bench's temp dir
 * (a busy agent's logs must not cost the bench process anything), and their last line explains a failure.
 *
 * BENCH_AGENT_SCRIPT=path.js runs `node path.js agent --config FILE` instead of bin/goneaway.js: a way to
 * check the harness itself before the agent exists; its figures are not the agent's.
 * BENCH_AGENT_NODE_ARGS: node options for the agent alone (profiling: `--cpu-prof --cpu-prof-dir=DIR`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { run, lastLine } from '../spawn.js';
import type { LiveFile } from './live-lines.js';

export interface AgentConfigInput {
  files: readonly LiveFile[];
  esUrl: string;
  stateDir: string;
  /** correlate.max_error_lag (the window the correlator keeps); undefined: the agent's default */
  maxErrorLag?: string;
  /** agent.max_resident_records; undefined: the agent's default */
  maxResident?: number;
}

/** The agent config for the bench's files: HAProxy files, one MySQL instance per server, the stand-in. */
export function agentConfig(o: AgentConfigInput): Record<string, unknown> {
  const servers = [...new Set(o.files.filter((f) => f.server).map((f) => f.server))];
  return {
    timezone: 'UTC', // the writer renders its timestamps in UTC (bench/timefmt.ts)
    haproxy: { files: o.files.filter((f) => f.kind === 'haproxy').map((f) => f.path) },
    mysql: {
      instances: servers.map((server) => ({
        server,
        error_log: o.files.filter((f) => f.server === server && f.kind === 'mysql_error').map((f) => f.path),
        general_log: o.files.filter((f) => f.server === server && f.kind === 'mysql_general').map((f) => f.path),
      })),
    },
    ...(o.maxErrorLag ? { correlate: { max_error_lag: o.maxErrorLag } } : {}),
    output: { elasticsearch: { hosts: [o.esUrl] } },
    agent: {
      state_dir: o.stateDir,
      start_at: 'beginning',
      http: '127.0.0.1:0',
      ...(o.maxResident ? { max_resident_records: o.maxResident } : {}),
    },
  };
}

/** node + script + leading args of the agent command */
export function agentCommand(repo: string): { script: string; label: string } {
  const own = process.env.BENCH_AGENT_SCRIPT;
  if (own) return { script: path.resolve(own), label: 'BENCH_AGENT_SCRIPT (not the agent)' };
  return { script: path.join(repo, 'bin', 'goneaway.js'), label: 'goneaway agent' };
}

/** undefined when the agent can be run, else why not (for an "n/a: …" row) */
export async function agentMissing(repo: string): Promise<string | undefined> {
  const { script } = agentCommand(repo);
  if (!existsSync(script)) return `${script} missing`;
  if (!process.env.BENCH_AGENT_SCRIPT && !existsSync(path.join(repo, 'dist', 'src', 'cli', 'main.js')))
    return 'dist/src/cli/main.js missing (CLI not built)';
  const r = await run('node', [script, 'agent', '--help'], { stdoutTo: 'pipe', cwd: repo });
  if (r.code !== 0) return `\`goneaway agent --help\` exited ${r.code}: ${lastLine(r.stderr) || lastLine(r.stdout)}`;
  // commander answers `--help` after an unknown command with the program's help (exit 0), so look at
  // the usage line: the agent's own help starts "Usage: goneaway agent"
  if (!process.env.BENCH_AGENT_SCRIPT && !/^Usage: \S+ agent\b/m.test(r.stdout))
    return 'no `agent` command in this build of goneaway (`goneaway agent --help` shows the main help)';
  return undefined;
}

export interface RunningAgent {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  /** last line of its stderr (or stdout), for messages */
  lastWords(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed) */
  stop(graceMs: number): Promise<number | null>;
}

export function startAgent(repo: string, configFile: string, logDir: string): RunningAgent {
  const { script } = agentCommand(repo);
  const outFile = path.join(logDir, 'agent.stdout');
  const errFile = path.join(logDir, 'agent.stderr');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  // BENCH_AGENT_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" (or --heap-prof …): profile the agent alone
  const nodeArgs = (process.env.BENCH_AGENT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script, 'agent', '--config', configFile], {
    cwd: repo,
    stdio: ['ignore', out, err],
    // the environment the systemd unit gives the agent (its malloc setting among it): the agent as deployed
    env: { ...process.env, ...unitEnvironment(repo) },
  });
  closeSync(out);
  closeSync(err);
  let code: number | null | undefined;
  const exited = once(child, 'exit').then(([c]) => (code = c as number | null));
  const lastWords = () => {
    const tail = (f: string) => {
      try {
        return lastLine(readFileSync(f, 'utf8').slice(-64 << 10));
      } catch {
        return '';
      }
    };
    return tail(errFile) || tail(outFile);
  };
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    lastWords,
    async stop(graceMs: number) {
      if (code !== undefined) return code;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      return code ?? null;
    },
  };
}

/**
 * The `Environment=` assignments of config/systemd/goneaway.service (`KEY=VALUE`, space-separated, optionally in
 * double quotes: systemd.exec(5)), which the bench applies to the agent it starts. BENCH_AGENT_UNIT_ENV=0 leaves
 * them out (to measure what they change).
 */
export function unitEnvironment(repo: string): Record<string, string> {
  if (process.env.BENCH_AGENT_UNIT_ENV === '0') return {};
  const env: Record<string, string> = {};
  const unit = readFileSync(path.join(repo, 'config', 'systemd', 'goneaway.service'), 'utf8');
  for (const line of unit.split('\n')) {
    const m = /^Environment=(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const word of m[1]!.match(/"[^"]*"|\S+/g) ?? []) {
      const kv = word.startsWith('"') ? word.slice(1, -1) : word;
      const eq = kv.indexOf('=');
      if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  return env;
}

export function writeConfig(file: string, config: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
}
