/**
 * What the agent's end-to-end tests share: the recording Elasticsearch stand-in, a replay of a bundled
 * lab scenario into fresh log files, the agent as a child process, and batch `correlate`'s events on the
 * same files (the reference the indexed verdicts must equal).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { BIN, ROOT } from '../cli/paths.js';

export const STUB = path.resolve(ROOT, '../shared/tools/es-stub.mjs');
export const LAB = path.join(ROOT, 'examples/lab/13_mixed');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * GET `url`'s text. Asked again when the connection fails: a test that blocked its event loop (spawnSync of
 * batch `parse`) for longer than the server's keep-alive timeout gets a pooled socket the server has closed
 * meanwhile ("other side closed"), which only a new request can tell.
 */
export async function getText(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(url)).text();
    } catch (e) {
      if (attempt >= 3) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface Stub {
  url: string;
  proc: ChildProcess;
  docs(): Promise<Array<{ _index: string; _id: string; _source: any }>>;
  command(what: 'mode' | 'down', body: object): Promise<void>;
  stop(): void;
}

export async function startStub(): Promise<Stub> {
  const port = await freePort();
  const proc = spawn(process.execPath, [STUB, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    proc.once('exit', (c) => reject(new Error(`es-stub exited (${c})`)));
    proc.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    proc,
    async docs() {
      const text = await getText(`${url}/_stub/docs`);
      return text
        .split('\n')
        .filter((l) => l)
        .map((l) => JSON.parse(l));
    },
    async command(what, body) {
      await fetch(`${url}/_stub/${what}`, { method: 'POST', body: JSON.stringify(body) });
    },
    stop() {
      proc.kill('SIGKILL');
    },
  };
}

export interface Scenario {
  dir: string;
  logs: string;
  state: string;
  config: string;
  /** the scenario's files: name in the lab → path being written */
  files: Map<string, string>;
  /** files rotated by the replay (rename + create): name → the path the old file was renamed to */
  rotated: Map<string, string>;
}

/** A fresh directory with empty log files and a config naming them (as the lab's correlate does). */
export function scenario(esUrl: string | undefined, extra: Record<string, unknown> = {}): Scenario {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(require_tmp()), 'ga-agent-'));
  const logs = path.join(dir, 'logs');
  const state = path.join(dir, 'state');
  fs.mkdirSync(logs);
  const names = [
    'haproxy.log',
    'replica1-error.log',
    'replica2-error.log',
    'replica1-general.log',
    'replica2-general.log',
    'app-php.log',
    'app-node.log',
    'app-python.log',
  ];
  const files = new Map(names.map((n) => [n, path.join(logs, n)]));
  for (const f of files.values()) fs.writeFileSync(f, '');
  const cfg = {
    timezone: 'UTC',
    haproxy: { files: [files.get('haproxy.log')], config: path.join(LAB, 'haproxy.cfg') },
    mysql: {
      instances: ['replica1', 'replica2'].map((s) => ({
        server: s,
        error_log: files.get(`${s}-error.log`),
        general_log: files.get(`${s}-general.log`),
      })),
    },
    app: { files: ['app-php.log', 'app-node.log', 'app-python.log'].map((n) => files.get(n)) },
    agent: { state_dir: state, start_at: 'beginning', http: '127.0.0.1:0', ...extra },
    ...(esUrl ? { output: { elasticsearch: { hosts: [esUrl], max_retry_time: '2s' } } } : {}),
  };
  const config = path.join(dir, 'goneaway.json');
  fs.writeFileSync(config, JSON.stringify(cfg, null, 1));
  return { dir, logs, state, config, files, rotated: new Map() };
}

function require_tmp(): string {
  return process.env.TMPDIR ?? '/tmp';
}

/**
 * Appends the lab files' lines to the scenario's files in `chunks` rounds, every file a little each
 * round (so HAProxy, MySQL and the apps interleave as on a live host), pausing `pauseMs()` between. `gate(c)`,
 * if given, is awaited before round `c` (c rounds written so far): a test holds rounds back for a later phase.
 * `write(name, c)`, if given, says whether file `name` gets its lines of round `c` (a file left silent).
 * `rotateAt`, if given: before that round every file is rotated as logrotate's default does it (rename to
 * `NAME.1`, a new empty `NAME`; sc.rotated), between two records — a writer starts its new file with a record,
 * never in the middle of a multi-line one — so the round's first lines up to the next record start go to the
 * old file. `rotated`, if given, is awaited right after the rotation, before the round's lines are written.
 */
export async function replay(
  sc: Scenario,
  chunks: number,
  pauseMs: () => number,
  gate?: (c: number) => Promise<void>,
  write: (name: string, c: number) => boolean = () => true,
  rotateAt?: number,
  rotated?: () => Promise<void>,
): Promise<void> {
  const src = [...sc.files.keys()].map((n) => {
    const lines = fs.readFileSync(path.join(LAB, n), 'utf8').split(/(?<=\n)/);
    const cut = Array.from({ length: chunks + 1 }, (_, c) => Math.floor((lines.length * c) / chunks));
    if (rotateAt !== undefined) {
      const starts = recordStartLines(path.join(LAB, n), labKind(n), lines);
      const at = starts.find((l) => l >= cut[rotateAt]!) ?? lines.length;
      for (let c = rotateAt; c <= chunks; c++) cut[c] = Math.max(cut[c]!, at);
    }
    return { n, lines, cut };
  });
  for (let c = 0; c < chunks; c++) {
    await gate?.(c);
    if (c === rotateAt) {
      for (const { n } of src) {
        const file = sc.files.get(n)!;
        fs.renameSync(file, `${file}.1`);
        fs.writeFileSync(file, '');
        sc.rotated.set(n, `${file}.1`);
      }
      await rotated?.();
    }
    for (const { n, lines, cut } of src) {
      const [from, to] = [cut[c]!, cut[c + 1]!];
      if (to > from && write(n, c)) fs.appendFileSync(sc.files.get(n)!, lines.slice(from, to).join(''));
    }
    await new Promise((r) => setTimeout(r, pauseMs()));
  }
}

/** the kind of a lab scenario's file, from its name (haproxy.log, replica1-error.log, app-php.log, …) */
export function labKind(name: string): string {
  if (name.startsWith('haproxy')) return 'haproxy';
  if (name.endsWith('-error.log')) return 'mysql_error';
  if (name.endsWith('-general.log')) return 'mysql_general';
  return 'app';
}

/** the indexes of the lines of `file` (split as `lines`) that start a record, by batch `parse` */
function recordStartLines(file: string, kind: string, lines: string[]): number[] {
  const r = spawnSync(process.execPath, [BIN, 'parse', '--kind', kind, '--format', 'ndjson', file], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`parse exited ${r.status}: ${r.stderr}`);
  const offsets = new Set(
    r.stdout
      .split('\n')
      .filter((l) => l)
      .map((l) => JSON.parse(l).log.offset as number),
  );
  const out: number[] = [];
  for (let i = 0, at = 0; i < lines.length; at += Buffer.byteLength(lines[i]!), i++) if (offsets.has(at)) out.push(i);
  return out;
}

export function startAgent(sc: Scenario): ChildProcess {
  return spawn(process.execPath, [BIN, 'agent', '--config', sc.config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TZ: 'UTC' },
  });
}

export async function exited(p: ChildProcess, ms: number): Promise<number | null | 'timeout'> {
  if (p.exitCode !== null) return p.exitCode;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    p.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/**
 * batch `goneaway correlate` on the scenario's files, as NDJSON events, with the agent's SQL redaction: the agent
 * redacts SQL literals unless `correlate.redact_sql: false`, correlate only when it is true (README "The agent"),
 * so without the key the two would differ in `app.sql` by their defaults, not by their answers.
 */
export function batchEvents(sc: Scenario): any[] {
  const cfg = JSON.parse(fs.readFileSync(sc.config, 'utf8'));
  cfg.correlate = { ...cfg.correlate, redact_sql: cfg.correlate?.redact_sql ?? true };
  const config = `${sc.config.replace(/\.json$/, '')}-batch.json`;
  const joined = sc.rotated.size ? joinRotated(sc) : undefined;
  let text = JSON.stringify(cfg, null, 1);
  if (joined)
    text = text.split(JSON.stringify(`${sc.logs}/`).slice(0, -1)).join(JSON.stringify(`${joined.dir}/`).slice(0, -1));
  fs.writeFileSync(config, text);
  const r = spawnSync(process.execPath, [BIN, 'correlate', '--config', config, '--format', 'ndjson'], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`correlate exited ${r.status}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l)
    .map((l) => (joined ? joined.back(l) : JSON.parse(l)));
}

/**
 * After a rotation batch reads each log whole, as one file: the old file and the new one concatenated, under
 * `dir`. `back` takes one of batch's events to the agent's terms: the paths the agent read, and offsets in the
 * new file for what came from it (the agent reads the two as two files under one path).
 */
function joinRotated(sc: Scenario): { dir: string; back: (line: string) => any } {
  const dir = path.join(sc.dir, 'joined');
  fs.mkdirSync(dir, { recursive: true });
  const oldSize = new Map<string, number>();
  for (const [n, file] of sc.files) {
    const old = sc.rotated.get(n);
    const head = old ? fs.readFileSync(old) : Buffer.alloc(0);
    if (old) oldSize.set(file, head.length);
    fs.writeFileSync(path.join(dir, n), Buffer.concat([head, fs.readFileSync(file)]));
  }
  const shift = (file: string, offset: number) => {
    const s = oldSize.get(file);
    return s !== undefined && offset >= s ? offset - s : offset;
  };
  // every {file, offset} of an event (its evidence) and its `log`
  const walk = (x: any): void => {
    if (!x || typeof x !== 'object') return;
    if (typeof x.file === 'string' && typeof x.offset === 'number') x.offset = shift(x.file, x.offset);
    // an event's `log` ({file: {path}, offset})
    if (typeof x.file?.path === 'string' && typeof x.offset === 'number') x.offset = shift(x.file.path, x.offset);
    for (const v of Object.values(x)) walk(v);
  };
  return {
    dir,
    back(line) {
      const ev = JSON.parse(
        line.split(JSON.stringify(`${dir}/`).slice(1, -1)).join(JSON.stringify(`${sc.logs}/`).slice(1, -1)),
      );
      walk(ev);
      return ev;
    },
  };
}

/** what must be equal between batch and agent: one key per event, with its verdict */
export function verdictKey(ev: any): string {
  const g = ev.goneaway;
  // its time too: after a rotation two files share a path, and their offsets can coincide
  return [g.kind, ev.log?.file?.path, ev.log?.offset, ev['@timestamp'], g.cause, g.terminated_by, g.confidence].join(
    '|',
  );
}

export async function waitFor<T>(f: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  let failure = '';
  for (;;) {
    // a stand-in that is down on purpose refuses the question too: ask again
    const v = await f().catch((e: unknown) => void (failure = ` (last: ${String(e)})`));
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${failure}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const verdicts = async (stub: Stub) =>
  (await stub.docs()).filter((d) => d._index.startsWith('logs-goneaway.verdicts-')).map((d) => d._source);

/** waits until every app error batch reports is indexed (`ms` beyond which the test gives up) */
export async function indexedAppErrors(stub: Stub, want: number, ms = 90_000): Promise<void> {
  await waitFor(
    async () =>
      (await verdicts(stub)).filter((v) => v.goneaway.kind === 'app_error').length >= want ? true : undefined,
    ms,
    `${want} app error verdicts indexed`,
  );
}

/**
 * Fields of an app-error document that may differ between the agent's indexed one and batch's printed one, and
 * why. Nothing else may: the verdict (cause, terminated_by, confidence), why, join, evidence, recommendation, the
 * joined session and thread are the same engine's answer on the same lines.
 */
export const DIFFERING_FIELDS: Record<string, string> = {
  // src/sinks/elasticsearch/streams.ts toOutDoc: the data stream the document is routed to, added by the sink
  data_stream: "added when indexed (the document's data stream); batch's NDJSON names none",
};

/** `doc` without the fields of DIFFERING_FIELDS */
export function comparable(doc: any): any {
  const out = { ...doc };
  for (const f of Object.keys(DIFFERING_FIELDS)) delete out[f];
  return out;
}

/** the leaf paths where `a` and `b` differ, with both values (JSON), at most `max` */
export function fieldDiffs(a: any, b: any, max = 10, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const objects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!objects) return [`${at || '(root)'}: agent ${JSON.stringify(a)} / batch ${JSON.stringify(b)}`];
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    out.push(...fieldDiffs(a[k], b[k], max - out.length, at ? `${at}.${k}` : k));
    if (out.length >= max) break;
  }
  return out;
}

/**
 * App errors: exactly batch's documents, whole (DIFFERING_FIELDS aside), matched by file and offset; a difference
 * is reported by file, offset, field and both values. Connection events: each one indexed is batch's; a closure
 * that left the window is remembered (a late error may still claim it) and indexed when forgotten, which a stream
 * reaches only hours later and batch at its end of input — so some of batch's may not be there yet.
 */
export function assertSameVerdicts(got: any[], want: any[]): void {
  const app = (xs: any[]) =>
    xs
      .filter((v) => v.goneaway.kind === 'app_error')
      .map(verdictKey)
      .sort();
  assert.deepEqual(app(got), app(want), 'app error verdicts');
  const at = (v: any) => `${v.log?.file?.path}:${v.log?.offset}:${v['@timestamp']}`;
  const batchDoc = new Map(want.filter((v) => v.goneaway.kind === 'app_error').map((v) => [at(v), v]));
  const diffs = got
    .filter((v) => v.goneaway.kind === 'app_error')
    .flatMap((v) => fieldDiffs(comparable(v), comparable(batchDoc.get(at(v)))).map((d) => `${at(v)} ${d}`));
  assert.deepEqual(diffs.slice(0, 20), [], `${diffs.length} fields of app-error documents differ from batch's`);
  const wantConn = new Set(want.filter((v) => v.goneaway.kind === 'connection').map(verdictKey));
  for (const v of got.filter((x) => x.goneaway.kind === 'connection'))
    assert.ok(wantConn.has(verdictKey(v)), `connection event not in batch's: ${verdictKey(v)}`);
  assert.equal(new Set(got.map(verdictKey)).size, got.length, 'no verdict twice');
}
