// Process bookkeeping for the lab: every process the lab starts is registered here and stopped BY PID at the
// end, also on failure (try/finally in the scenario runner + process exit/signal handlers below).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  t: number;
}
export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  startedAt: number;
  exited: Promise<ExitInfo>;
  exit?: ExitInfo;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** The environment given to every lab child: UTC clocks, and no node:test marker (a child node process that
 *  inherits NODE_TEST_CONTEXT would try to talk to the test runner). */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8', ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

// One set of exit/signal hooks for all registries (a registry per scenario would pile up listeners).
const registries = new Set<ProcessRegistry>();
let hooked = false;
function hookOnce(): void {
  if (hooked) return;
  hooked = true;
  const killAll = (): void => {
    for (const r of registries) r.killAllSync();
  };
  process.on('exit', killAll);
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(code);
    });
  }
}

export class ProcessRegistry {
  private readonly live = new Set<Managed>();

  constructor() {
    registries.add(this);
    hookOnce();
  }

  /** Starts a process. stdout/stderr: a file path (appended), 'pipe', or 'ignore'. */
  spawn(
    name: string,
    cmd: string,
    args: string[],
    opts: { stdout?: string; stderr?: string; env?: NodeJS.ProcessEnv; cwd?: string; stdin?: 'pipe' | 'ignore' } = {},
  ): Managed {
    const out =
      opts.stdout === undefined || opts.stdout === 'ignore'
        ? 'ignore'
        : opts.stdout === 'pipe'
          ? 'pipe'
          : fs.openSync(opts.stdout, 'a');
    const err =
      opts.stderr === undefined || opts.stderr === 'ignore'
        ? 'ignore'
        : opts.stderr === 'pipe'
          ? 'pipe'
          : fs.openSync(opts.stderr, 'a');
    const so: SpawnOptions = { stdio: [opts.stdin ?? 'ignore', out, err], env: opts.env ?? childEnv(), cwd: opts.cwd };
    const child = spawn(cmd, args, so);
    if (typeof out === 'number') fs.closeSync(out);
    if (typeof err === 'number') fs.closeSync(err);
    if (child.pid === undefined) throw new Error(`could not start ${name}: ${cmd} ${args.join(' ')}`);
    let resolveExit!: (e: ExitInfo) => void;
    const m: Managed = {
      name,
      child,
      pid: child.pid,
      startedAt: Date.now(),
      exited: new Promise((r) => {
        resolveExit = r;
      }),
    };
    child.on('exit', (code, signal) => {
      m.exit = { code, signal, t: Date.now() };
      this.live.delete(m);
      resolveExit(m.exit);
    });
    child.on('error', () => {
      /* reported through 'exit' or the caller's readiness check */
    });
    this.live.add(m);
    return m;
  }

  /** Sends `signal`, waits up to timeoutMs, then SIGKILLs. Resolves with the exit info. */
  async stop(m: Managed, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 8000): Promise<ExitInfo> {
    if (m.exit) return m.exit;
    try {
      process.kill(m.pid, signal);
    } catch {
      /* already gone */
    }
    const timer = sleep(timeoutMs).then(() => 'timeout' as const);
    const r = await Promise.race([m.exited, timer]);
    if (r === 'timeout') {
      try {
        process.kill(m.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      return m.exited;
    }
    return r;
  }

  /** Stops every process still alive (reverse start order), gracefully then by force. */
  async stopAll(timeoutMs = 8000): Promise<void> {
    const all = [...this.live].sort((a, b) => b.startedAt - a.startedAt);
    await Promise.all(all.map((m) => this.stop(m, 'SIGTERM', timeoutMs)));
  }

  /** Synchronous last resort for exit handlers. */
  killAllSync(): void {
    for (const m of this.live) {
      try {
        process.kill(m.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    this.live.clear();
  }

  alive(): Managed[] {
    return [...this.live];
  }
}

/** Polls `probe` every `everyMs` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await sleep(everyMs);
  }
}
