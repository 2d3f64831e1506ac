/**
 * The whole agent as a child process, for the end-to-end fault tests: `goneaway agent --config` started in
 * its own directory (stray files stay there), its pino log kept in a file (a pipe nobody reads would block
 * it once full), its /metrics read from the port it logs, and what the recording stand-in stored, by
 * data stream. The stand-in itself and the lab replay are in lab-replay-harness.ts, the lab's expected
 * records and verdicts in lab-records.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { BIN } from '../cli/paths.js';
import { tmp } from './helpers.js';
import { exited, getText, startStub, STUB, type Stub } from './lab-replay-harness.js';

export interface AgentProcess {
  proc: ChildProcess;
  /** the agent's /metrics, as sample name{labels} → value */
  metrics(): Promise<Map<string, number>>;
  /** the agent's log lines so far (pino JSON) */
  log(): Array<Record<string, unknown>>;
}

/** Starts `goneaway agent --config config` with cwd `dir`; resolves once its HTTP endpoint listens. */
export async function spawnAgent(config: string, dir: string): Promise<AgentProcess> {
  const logFile = path.join(dir, `agent-${Date.now()}-${Math.floor(Math.random() * 1e6)}.log`);
  const out = fs.openSync(logFile, 'a');
  const proc = spawn(process.execPath, [BIN, 'agent', '--config', config], {
    cwd: dir,
    stdio: ['ignore', 'ignore', out],
    env: { ...process.env, TZ: 'UTC' },
  });
  fs.closeSync(out);
  const log = () =>
    fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  let port: number | undefined;
  // a guard against hanging, not a timing assertion (a loaded machine starts Node slowly): the log is read before
  // the limit is looked at, so an agent that listened just before it is not taken for one that did not
  const until = Date.now() + 60_000;
  while (port === undefined) {
    if (proc.exitCode !== null) throw new Error(`agent exited (${proc.exitCode}): ${fs.readFileSync(logFile, 'utf8')}`);
    const http = log().find((l) => l.msg === 'listening')?.http;
    if (typeof http === 'string') port = Number(http.split(':').pop());
    else if (Date.now() > until) {
      // a test that fails here would leave the agent running and its file's test hanging on it
      proc.kill('SIGKILL');
      throw new Error(`agent did not listen: ${fs.readFileSync(logFile, 'utf8')}`);
    } else await sleep(100);
  }
  return {
    proc,
    log,
    async metrics() {
      return parseMetrics(await getText(`http://127.0.0.1:${port}/metrics`));
    },
  };
}

export function parseMetrics(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    m.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return m;
}

/** the sum of a metric's samples whose labels include every `want` label */
export function metricSum(m: Map<string, number>, name: string, want: Record<string, string> = {}): number {
  let sum = 0;
  for (const [k, v] of m) {
    if (k !== name && !k.startsWith(`${name}{`)) continue;
    if (Object.entries(want).every(([l, val]) => k.includes(`${l}="${val}"`))) sum += v;
  }
  return sum;
}

export interface StoredDoc {
  _index: string;
  _id: string;
  _source: any;
}

export async function storedRecords(stub: Stub): Promise<StoredDoc[]> {
  return (await stub.docs()).filter((d) => d._index.startsWith('logs-goneaway.records-'));
}

/**
 * Waits until the stand-in has stored nothing new for `ms` (the agent flushes a record still being assembled
 * once its file has been quiet for 5 s: `ms` must cover that) — a wait, not an assertion.
 */
export async function quiet(stub: Stub, ms = 7000, limitMs = 120_000): Promise<void> {
  const until = Date.now() + limitMs;
  let last = '';
  let since = Date.now();
  while (Date.now() - since < ms && Date.now() < until) {
    const s = await stubStats(stub).catch(() => undefined);
    const now = JSON.stringify([s?.created, s?.conflicts]);
    if (now !== last) [last, since] = [now, Date.now()];
    await sleep(250);
  }
}

export async function stubStats(stub: Stub): Promise<{ conflicts: number; created: number; rejected: number }> {
  return JSON.parse(await getText(`${stub.url}/_stub/stats`)) as never;
}

/**
 * Each written text stored exactly once among the records (two documents with one text would be two
 * _ids for one line), at the byte offset it was written at; nothing stored that no one wrote.
 */
export function assertEachOnce(
  records: StoredDoc[],
  written: Map<string, { offset: number }>,
  fail: (msg: string) => never,
): void {
  const count = new Map<string, number>();
  for (const r of records) {
    const text = r._source.event.original as string;
    count.set(text, (count.get(text) ?? 0) + 1);
    const w = written.get(text);
    if (w && w.offset !== r._source.log.offset)
      fail(`${text.slice(0, 60)}: stored at offset ${r._source.log.offset}, written at ${w.offset}`);
  }
  const missing = [...written.keys()].filter((t) => !count.has(t));
  const twice = [...count].filter(([, n]) => n > 1).map(([t]) => t);
  const unknown = [...count.keys()].filter((t) => !written.has(t));
  if (missing.length || twice.length || unknown.length)
    fail(
      `${missing.length} lines never stored (${missing.slice(0, 3).join(' | ')}), ${twice.length} stored twice ` +
        `(${twice.slice(0, 3).join(' | ')}), ${unknown.length} no one wrote (${unknown.slice(0, 3).join(' | ')})`,
    );
}

/**
 * An HAProxy tcplog line (the format of examples/lab/*, HAProxy's `option tcplog`) stamped now, unique by
 * `n` (its source port and byte count), so that every written line can be found again in the index.
 */
export function haproxyLine(n: number, tag = 'lb'): string {
  const now = new Date();
  const end = now.toISOString();
  const syslog = `${MONTHS[now.getUTCMonth()]} ${String(now.getUTCDate()).padStart(2, ' ')} ${end.slice(11, 19)}`;
  const accept = `${String(now.getUTCDate()).padStart(2, '0')}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}:${end.slice(11, 23)}`;
  return (
    `${syslog} ${tag} haproxy[4242]: 10.0.${(n >> 16) & 255}.${(n >> 8) & 255}:${1024 + (n % 60000)} [${accept}] ` +
    `mysql_ro mariadb_replicas/replica1 1/0/5 ${n} -- 1/1/1/1/0 0/0`
  );
}

/**
 * A MySQL general log line (MySQL ≥ 5.7's form: `2026-12-06T07:20:00.123456Z\t   12 Query\tSELECT …`), unique by
 * `n`. A general-log record may go on over the next lines, so the decoder holds each one until the next
 * record starts: the last line written before a rotation is complete only when its file is done with.
 */
export function generalLine(n: number): string {
  const t = new Date().toISOString().replace('Z', '000Z');
  return `${t}\t${String(10 + (n % 50)).padStart(6, ' ')} Query\tSELECT ${n} FROM dual`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** writes `cfg` as the agent's config file in `dir` (JSON is YAML) */
export function writeConfig(dir: string, cfg: object): string {
  const file = path.join(dir, 'goneaway.json');
  fs.writeFileSync(file, JSON.stringify(cfg, null, 1));
  return file;
}

/** the output section for the stand-in: its leftover and dead-letter files inside the test's directory */
export function stubOutput(url: string, dir: string, extra: object = {}): object {
  return {
    elasticsearch: {
      hosts: [url],
      max_retry_time: '2s',
      leftover_file: path.join(dir, 'leftover.ndjson'),
      dead_letter_file: path.join(dir, 'dead-letter.ndjson'),
      ...extra,
    },
  };
}

/** the config file of a lab scenario, changed by `edit` */
export function editConfig(config: string, edit: (cfg: any) => void): void {
  const cfg = JSON.parse(fs.readFileSync(config, 'utf8'));
  edit(cfg);
  fs.writeFileSync(config, JSON.stringify(cfg, null, 1));
}

/** these tests need the recording stand-in beside the checkout */
export const skipWithoutStub = fs.existsSync(STUB)
  ? false
  : `the stand-in ${STUB} is missing (../shared beside the checkout)`;

export interface AgentEnv {
  stub: Stub;
  dir: string;
  state: string;
  config: string;
  /** the agent running now (a test that restarts it sets the new one here) */
  agent: AgentProcess;
  /** writes the config again with other inputs (SIGHUP reads it) */
  configure(inputs: object): void;
}

/**
 * A stand-in, a fresh directory, a config with `inputs` (the input sections; SQL kept as written, files
 * already there read from their beginning) and the agent on it; runs `body`, then stops everything.
 */
export async function withAgent(name: string, inputs: (dir: string) => object, body: (env: AgentEnv) => Promise<void>) {
  const stub = await startStub();
  const dir = tmp(name);
  const state = path.join(dir, 'state');
  const configure = (i: object) =>
    writeConfig(dir, {
      timezone: 'UTC',
      ...i,
      correlate: { redact_sql: false }, // the stored text is compared with the written one
      agent: { state_dir: state, start_at: 'beginning', http: '127.0.0.1:0' },
      output: stubOutput(stub.url, dir),
    });
  const config = configure(inputs(dir));
  const env: AgentEnv = { stub, dir, state, config, agent: undefined as never, configure };
  try {
    env.agent = await spawnAgent(config, dir);
    await body(env);
  } finally {
    env.agent?.proc.kill('SIGKILL');
    stub.stop();
  }
}

/** sends `signal` and waits (10 s at most) for the exit: its code, and how long it took */
export async function signalled(proc: ChildProcess, signal: NodeJS.Signals) {
  const t0 = Date.now();
  proc.kill(signal);
  const code = await exited(proc, 10_000);
  return { code, ms: Date.now() - t0 };
}

interface Saved {
  files: Array<{ path: string; offset: number }>;
}

/** the positions saved in the state dir's checkpoints.json, by path */
export const checkpoints = (state: string): Map<string, number> =>
  new Map(
    (JSON.parse(fs.readFileSync(path.join(state, 'checkpoints.json'), 'utf8')) as Saved).files.map((c) => [
      c.path,
      c.offset,
    ]),
  );
