/**
 * lnav's built-in haproxy_log format as the speed reference (bench part b).
 *
 * Invocation: `lnav -n -c ';SELECT count(*), max(log_line), sum(bytes_read), count(DISTINCT termination_state) FROM
 * haproxy_log' FILE`
 * with HOME pointed at a scratch dir (no user formats/config, no session state).
 * How it was checked that this makes lnav parse every line (lnav 0.11.1, 200,000-line tcplog):
 *  - `-n` (headless) loads and indexes the whole file before running the command:
 *    max(log_line) = 199999 = the last line;
 *  - count(*) = 191,876 = the 191,871 lines that lnav's `tcp` regex accepts (same regex run
 *    with grep -E) + the 5 `Proxy … started.` lines; lines with `-1` timers or `+1` retries
 *    (SC, <NOSRV>, sC, CC: lnav's regex has `\d+`) are folded into the previous message;
 *  - sum(bytes_read) = 37,820,009,504 = awk's sum of field 11 over those same lines, so every
 *    row's fields were extracted; without the column references (count(*) only) lnav skipped the
 *    per-row extraction and took ~55 % of the time, which would flatter lnav.
 *  - lnav picks a file's format from its first lines: a file whose first line lnav's haproxy
 *    regexes reject (e.g. an SC line with `-1`) is read as syslog_log and haproxy_log is empty;
 *    the generators therefore start with HAProxy's `Proxy X started.` lines (realistic for a log
 *    that begins at a restart).
 */
import { mkdirSync } from 'node:fs';
import { run, which } from './spawn.js';

export const LNAV_QUERY =
  ';SELECT count(*), max(log_line), sum(bytes_read), count(DISTINCT termination_state) FROM haproxy_log';

export type LnavResult =
  | {
      ok: true;
      ms: number;
      cpuMs: number | undefined;
      maxRssMB: number | undefined;
      records: number;
      lastLine: number;
      version: string;
    }
  | { ok: false; reason: string };

export function lnavPath(): string | undefined {
  return which('lnav');
}

export async function lnavHaproxy(file: string, scratchHome: string): Promise<LnavResult> {
  const bin = lnavPath();
  if (!bin) return { ok: false, reason: 'lnav not installed (apt-get install lnav)' };
  mkdirSync(scratchHome, { recursive: true });
  const env = { ...process.env, HOME: scratchHome, TERM: 'dumb' };
  const ver = await run(bin, ['-V'], { stdoutTo: 'pipe', env });
  const r = await run(bin, ['-n', '-c', LNAV_QUERY, file], { stdoutTo: 'pipe', env });
  if (r.code !== 0) return { ok: false, reason: `lnav exited ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  // output: a header row, then "  191876        199999   37820009504   7"
  const row = r.stdout.trim().split('\n').pop() ?? '';
  const nums = row.trim().split(/\s+/).map(Number);
  if (nums.length < 2 || nums.some((n) => !Number.isFinite(n)))
    return { ok: false, reason: `unexpected lnav output: ${row.slice(0, 80)}` };
  return {
    ok: true,
    ms: r.ms,
    cpuMs: r.cpuMs,
    maxRssMB: r.maxRssMB,
    records: nums[0]!,
    lastLine: nums[1]!,
    version: ver.stdout.trim(),
  };
}
