/**
 * The correlator: one time-ordered pass over all sources, a bounded window, and a verdict for
 * every app error (goneaway.kind "app_error") and every abnormal closure nobody noticed
 * (goneaway.kind "connection"). An app error is decided once the stream is `settle` past it:
 * HAProxy logs a half-open session only when the app's failing write reaches it (LAB 04, 06).
 */
import type { Doc, ParseContext } from '../../parsers/types.js';
import { decodeTermination } from '../../parsers/haproxy/termination.js';
import { isoUtc } from '../../parsers/time.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { newCounts, parseFile, type FileCounts, type OutRecord } from '../pipeline/parse-file.js';
import { mergeByTime } from './merge.js';
import { Store } from './store.js';
import { ingestError, ingestGeneral } from './ingest-mysql.js';
import { decideSession, idleOf, mayBeServerClosed, threadFor } from './rules.js';
import { get, num, stampResolution, str, TERMINATOR_OF, type AppError, type Session, type Verdict } from './model.js';
import { matchError, type Match } from './matcher.js';
import { Repeats } from './repeats.js';
import type { Remembered } from './left-window.js';
import { Observations, recommend } from './recommend.js';
import type { HaproxySettings } from './haproxy-settings.js';

export interface CorrelateInput {
  haproxy: string[];
  mysqlError: Array<{ server: string; path: string }>;
  mysqlGeneral: Array<{ server: string; path: string }>;
  app: string[];
  /** per app log (as shown in log.file.path): the client addresses its connections come from */
  appClients?: Map<string, ReadonlySet<string>>;
  ctx: ParseContext;
  /** a file's own context (its zone: src/cli/zones.ts), when it has one */
  ctxOf?: ((path: string) => ParseContext | undefined) | undefined;
  skew: number;
  maxLag: number;
  settle: number;
  since?: number | undefined;
  until?: number | undefined;
  haproxySettings?: HaproxySettings | undefined;
  onProgress?: (path: string) => ((read: number, size: number) => void) | undefined;
}

export interface CorrelateStats {
  files: FileCounts[];
  appErrors: number;
  connections: number;
  untimed: number;
  obs: Observations;
  servers: Set<string>;
}

/** how long an undecided app error waits for late evidence */
const RETRY_AFTER = 120_000;

type Item = { time: number; src: 'ha' | 'err' | 'gen' | 'app'; inst: string; rec: OutRecord };

function* source(
  path: string,
  kind: 'haproxy' | 'mysql-error' | 'mysql-general' | 'app',
  src: Item['src'],
  inst: string,
  input: CorrelateInput,
  stats: CorrelateStats,
): Generator<Item> {
  const counts = newCounts(path, kind);
  stats.files.push(counts);
  for (const rec of parseFile(path, kind, input.ctxOf?.(path) ?? input.ctx, counts, {
    onProgress: input.onProgress?.(path),
  })) {
    if (rec.kind === 'unparsed') continue;
    if (rec.t === undefined) {
      stats.untimed++;
      continue;
    }
    let time = rec.t;
    if (src === 'ha') {
      // HAProxy writes a traffic line when the session ends: order it by its end (accept + Tt)
      const p = rec.parsed;
      const tt =
        p instanceof TcpLogRecord
          ? p.Tt
          : (num(get(rec.doc, 'haproxy.total_time_ms')) ?? num(get(rec.doc, 'haproxy.active_time_ms')));
      if (tt !== undefined && tt > 0) time += tt;
    }
    yield { time, src, inst, rec };
  }
}

export function* correlate(input: CorrelateInput, stats: CorrelateStats): Generator<Doc> {
  const store = new Store();
  const st = { skew: input.skew };
  const sources: Iterable<Item>[] = [
    ...input.haproxy.map((p) => source(p, 'haproxy', 'ha', '', input, stats)),
    // general before error logs: within one second, a thread's Connect precedes its Aborted line
    ...input.mysqlGeneral.map((m) => source(m.path, 'mysql-general', 'gen', m.server, input, stats)),
    ...input.mysqlError.map((m) => source(m.path, 'mysql-error', 'err', m.server, input, stats)),
    ...input.app.map((p) => source(p, 'app', 'app', '', input, stats)),
  ];
  const pending: AppError[] = [];
  const msFiles = new Set<string>();
  const deferred: AppError[] = [];
  let lastEvict = -Infinity;
  const horizon = input.maxLag + 2 * input.skew + input.settle + RETRY_AFTER + 2000;

  const repeats = new Repeats(input.maxLag, input.skew);
  const match = (e: AppError): Match => repeats.match(e, () => matchError(store, e, input, st));

  const decideReady = function* (watermark: number): Generator<Doc> {
    const ready: AppError[] = [];
    while (pending.length && pending[0]!.t + pending[0]!.res + input.settle + input.skew < watermark)
      ready.push(pending.shift()!);
    // exact keys first, so that time-only errors do not take a session an exact one owns
    // The surest joins claim their sessions first: exact ports, then millisecond stamps before
    // whole-second ones (a Laravel line at 02 fits every close in that second; a PyMySQL one at
    // 02.609 fits one), each in time order. Greedy, but most-constrained first.
    // A file keeps its own time order (a worker's repeat errors follow its first one).
    const fileRes = (e: AppError) => (msFiles.has(e.file) ? 0 : 1000);
    ready.sort(
      (a, b) =>
        (a.localPort === undefined ? 1 : 0) - (b.localPort === undefined ? 1 : 0) ||
        fileRes(a) - fileRes(b) ||
        a.t - b.t,
    );
    for (const e of ready) {
      const m = match(e);
      if (m.verdict.cause === 'unknown' && !e.retried && watermark !== Infinity) {
        // Nothing conclusive yet: evidence can come late (a kill -9 shows only when the server
        // restarts and logs its crash recovery). Release the claim and decide again later.
        if (m.session) m.session.claimed = false;
        e.retried = true;
        deferred.push(e);
        continue;
      }
      yield appEvent(e, m);
    }
    while (deferred.length && (watermark === Infinity || deferred[0]!.t + RETRY_AFTER < watermark)) {
      const e = deferred.shift()!;
      yield appEvent(e, match(e));
    }
  };

  const appEvent = (e: AppError, m: Match): Doc => {
    stats.appErrors++;
    const v = m.verdict;
    const s = m.session;
    const th = m.decidedThread ? m.decidedThread.th : s ? threadFor(store, s, st, e.threadId) : undefined;
    stats.obs.add(v.cause, s ? idleOf(s, th) : undefined);
    const doc = baseDoc(v, 'app_error', e.t);
    const ga = doc.goneaway as Doc;
    ga.join = { method: m.method, candidates: m.candidates };
    ga.recommendation = recommend(
      v.cause,
      stats.obs,
      input.haproxySettings,
      v.cause === 'mysql_kill' ? killerOf(v) : undefined,
      s ? { frontend: s.frontend, backend: s.backend, mode: s.mode } : undefined,
    );
    if (m.http)
      ga.impact = {
        http: {
          frontend: m.http.frontend,
          backend: m.http.backend,
          server: m.http.server,
          status_code: m.http.status,
          request: m.http.request,
          file: m.http.ev.file,
          offset: m.http.ev.offset,
          text: m.http.ev.text,
        },
      };
    doc.error = {
      code: e.code,
      message: e.message,
      ...(get(e.doc, 'error.type') !== undefined ? { type: get(e.doc, 'error.type') } : {}),
    };
    doc.log = { file: { path: e.file }, offset: e.offset };
    doc.event = { original: e.ev.text };
    if (e.doc.app) doc.app = e.doc.app;
    v.evidence.unshift(e.ev);
    attachSession(doc, s, th);
    return doc;
  };

  const connectionEvent = ({ s, v, th }: Remembered): Doc => {
    stats.connections++;
    stats.obs.add(v.cause, idleOf(s, th));
    const doc = baseDoc(v, 'connection', s.end);
    (doc.goneaway as Doc).recommendation = recommend(
      v.cause,
      stats.obs,
      input.haproxySettings,
      v.cause === 'mysql_kill' ? killerOf(v) : undefined,
      { frontend: s.frontend, backend: s.backend, mode: s.mode },
    );
    (doc.goneaway as Doc).join = { method: 'haproxy_session', candidates: 1 };
    doc.log = { file: { path: s.ev.file }, offset: s.ev.offset };
    doc.event = { original: s.ev.text };
    attachSession(doc, s, th);
    return doc;
  };

  const evictUpTo = function* (watermark: number, final = false): Generator<Doc> {
    const cutoff = final ? Infinity : watermark - horizon;
    const { abnormal, normal } = store.evictSessions(cutoff);
    // Each closure is decided now, with the window's context, and remembered with its verdict: its
    // `connection` event waits until it leaves the left window, unless a late error claims it first.
    const release = function* (rs: Remembered[]): Generator<Doc> {
      for (const r of rs) if (!r.s.claimed && inRange(r.s.end, input)) yield connectionEvent(r);
    };
    const leave = (s: Session, v: Verdict) => release(store.left.add({ s, v, th: threadFor(store, s, st) }));
    for (const s of abnormal) {
      // a session that never reached its server (SC, sC, CC, sQ, CR…) is a failed connect, not a closure
      if ('CQRT'.includes(s.state[1] ?? '') && s.state[1] !== undefined) continue;
      yield* leave(s, decideSession(store, s, st));
    }
    // `--` can hide a KILL, a restart or a crash (LAB 04, 06): only those with such evidence
    for (const s of normal) {
      if (!mayBeServerClosed(store, s, st)) continue;
      const v = decideSession(store, s, st);
      if (v.cause !== 'unknown') yield* leave(s, v);
    }
    store.evictContext(cutoff, final ? Infinity : watermark - 2 * horizon);
    if (final) yield* release(store.left.drain());
  };

  for (const it of mergeByTime(sources)) {
    const r = it.rec;
    switch (it.src) {
      case 'ha':
        // tcplog records are flat (no document built: tcp-record.ts); others say what they are
        if (r.parsed instanceof TcpLogRecord || get(r.doc, 'haproxy.message_type') === 'traffic') {
          const sess = store.addSession(r);
          if (sess && stats.servers.size < 10_000) stats.servers.add(sess.server);
        } else store.addHaEvent(r);
        break;
      case 'err':
        ingestError(store, it.inst, r);
        break;
      case 'gen':
        ingestGeneral(store, it.inst, r);
        break;
      case 'app': {
        const e = toAppError(r, input.skew);
        if (e && inRange(e.t, input)) {
          e.clients = input.appClients?.get(e.file);
          // a file that ever showed milliseconds has them: its .000 stamps are not whole seconds
          if (e.res === 0) msFiles.add(e.file);
          else if (msFiles.has(e.file)) e.res = 0;
          pending.push(e);
        }
        break;
      }
    }
    yield* decideReady(it.time);
    if (it.time - lastEvict > 10_000) {
      lastEvict = it.time;
      yield* evictUpTo(it.time);
    }
  }
  yield* decideReady(Infinity);
  yield* evictUpTo(Infinity, true);
}

function inRange(t: number, input: CorrelateInput): boolean {
  return (input.since === undefined || t >= input.since) && (input.until === undefined || t <= input.until);
}

function killerOf(v: Verdict): string | undefined {
  const m = /killed by (thread \d+(?: \([^)]*\))?)/.exec(v.why);
  return m?.[1];
}

function baseDoc(v: Verdict, kind: 'app_error' | 'connection', t: number): Doc {
  return {
    '@timestamp': isoUtc(t),
    goneaway: {
      kind,
      terminated_by: v.terminatedBy ?? TERMINATOR_OF[v.cause],
      cause: v.cause,
      confidence: v.confidence,
      why: v.why,
      evidence: v.evidence.map((e) => ({
        kind: e.kind,
        file: e.file,
        offset: e.offset,
        text: e.text,
        ...(e.t !== undefined ? { '@timestamp': isoUtc(e.t) } : {}),
      })),
    },
  };
}

function attachSession(doc: Doc, s: Session | undefined, th: ReturnType<typeof threadFor>): void {
  if (s) {
    doc.source = { ip: s.clientIp, port: s.clientPort };
    doc.haproxy = {
      frontend_name: s.frontend,
      backend_name: s.backend,
      server_name: s.server,
      termination_state: s.state,
      termination: s.termination ?? decodeTermination(s.state),
      accept_date: isoUtc(s.accept),
      session_end: isoUtc(s.end),
      total_time_ms: s.end - s.accept,
      bytes_read: s.bytesRead,
      ...(s.backendSource ? { backend_source: s.backendSource } : {}),
    };
    if (s.pid !== undefined) doc.process = { pid: s.pid };
  }
  if (th) {
    doc.mysql = {
      instance: th.instance,
      thread_id: th.id,
      ...(th.user ? { user: th.user } : {}),
      ...(th.connectT !== undefined ? { connected_at: isoUtc(th.connectT) } : {}),
      ...(th.lastQueryT !== undefined ? { last_query_at: isoUtc(th.lastQueryT) } : {}),
    };
  } else if (s) {
    doc.mysql = { instance: s.server };
  }
}

function toAppError(r: OutRecord, skew: number): AppError | undefined {
  if (r.t === undefined) return undefined;
  const d = r.doc;
  const original = r.text;
  // whole-second stamps (Laravel, MariaDB) mean the event is anywhere in that second
  const res = stampResolution(r.t);
  // Connector/J: "the last packet successfully received from the server was N ms ago": a relative
  // time on the app's own clock, so only skew and the stamp's resolution blur it (CLIENT_ERRORS §3)
  const idle = num(get(d, 'app.db.last_received_ms'));
  return {
    alive: idle === undefined ? undefined : { lo: r.t - idle - skew, hi: r.t + res - idle + skew },
    t: r.t,
    res,
    code: str(get(d, 'error.code')) ?? 'unknown',
    message: str(get(d, 'error.message')) ?? original.slice(0, 300),
    cls: str(get(d, 'app.error.class')),
    localPort: num(get(d, 'app.db.local_port')),
    threadId: num(get(d, 'app.db.thread_id')),
    file: str(get(d, 'log.file.path')) ?? '',
    offset: r.offset,
    doc: d,
    ev: {
      kind: 'app',
      file: str(get(d, 'log.file.path')) ?? '',
      offset: r.offset,
      text: original.length > 2000 ? original.slice(0, 2000) + '…' : original,
      t: r.t,
    },
  };
}

export function newStats(): CorrelateStats {
  return { files: [], appErrors: 0, connections: 0, untimed: 0, obs: new Observations(), servers: new Set() };
}
