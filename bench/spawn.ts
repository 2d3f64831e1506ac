/**
 * Child-process measurements: wall time and peak RSS of a command, its stdout going to a file or
 * /dev/null. Peak RSS from GNU `/usr/bin/time -f %M -o FILE` when present; otherwise Node
 * commands run under rss-wrap.js (in-process resourceUsage) and other commands get no RSS.
 * BENCH_NO_GNU_TIME=1 forces the fallback (to test it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunResult {
  code: number | null;
  ms: number;
  /** undefined when it could not be measured */
  maxRssMB: number | undefined;
  /** CPU time (user + system) of the measured process: on a shared machine, a figure other jobs move
   *  less than wall time (undefined when it could not be measured) */
  cpuMs?: number | undefined;
  stdout: string;
  stderr: string;
}

let gnuTime: boolean | undefined;
/** GNU time (not the shell keyword) accepting -f/-o */
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    gnuTime =
      !process.env.BENCH_NO_GNU_TIME &&
      existsSync('/usr/bin/time') &&
      spawnSync('/usr/bin/time', ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0;
  }
  return gnuTime;
}

export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

const RSS_WRAP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rss-wrap.js');
let seq = 0;

/**
 * Run `cmd args` (cmd 'node' + a script path gets the rss-wrap fallback).
 * stdoutTo: a file path ('/dev/null' to discard) or 'pipe' to capture (small outputs only).
 */
export function run(
  cmd: string,
  args: string[],
  opts: { stdoutTo: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<RunResult> {
  const rssFile = path.join(tmpdir(), `goneaway-bench-${process.pid}-${seq++}.rss`);
  let argv: string[];
  let mode: 'time' | 'wrap' | 'none';
  if (hasGnuTime()) {
    argv = ['/usr/bin/time', '-f', '%M %U %S', '-o', rssFile, cmd, ...args];
    mode = 'time';
  } else if (cmd === 'node' || cmd === process.execPath) {
    argv = [process.execPath, RSS_WRAP, rssFile, ...args];
    mode = 'wrap';
  } else {
    argv = [cmd, ...args];
    mode = 'none';
  }
  const outFd = opts.stdoutTo === 'pipe' ? undefined : openSync(opts.stdoutTo, 'w');
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', outFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      if (stdout.length < 1 << 20) stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 64 << 10) stderr = stderr.slice(-32 << 10);
    });
    const done = (code: number | null) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (outFd !== undefined) closeSync(outFd);
      let maxRssMB: number | undefined;
      let cpuMs: number | undefined;
      try {
        const txt = readFileSync(rssFile, 'utf8');
        // GNU time: "maxrss_kb user_s sys_s" on its last line (after any "Command exited…" line)
        const [kb, user, sys] =
          mode === 'time'
            ? (txt.trim().split('\n').pop() ?? '').split(' ').map(Number)
            : ((j) => [j.maxRssKB, j.cpuMs === undefined ? NaN : j.cpuMs / 1000, 0])(
                JSON.parse(txt) as { maxRssKB: number; cpuMs?: number },
              );
        if (Number.isFinite(kb)) maxRssMB = kb! / 1024;
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
      } catch {
        /* not measured */
      }
      rmSync(rssFile, { force: true });
      resolve({ code, ms, maxRssMB, cpuMs, stdout, stderr });
    };
    child.on('error', (e) => {
      stderr += String(e);
      done(null);
    });
    child.on('close', (code) => done(code));
  });
}

/** last non-empty stderr line, for "n/a: <reason>" */
export function lastLine(s: string): string {
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Command (exited|terminated)/.test(l));
  return (lines.pop() ?? '').slice(0, 160);
}
