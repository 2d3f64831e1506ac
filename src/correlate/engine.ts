/**
 * The documents the correlator emits: one per app error (goneaway.kind "app_error") and one per
 * abnormal closure nobody noticed (goneaway.kind "connection"), and the run's counters. The
 * Correlator (correlator.ts) decides; this module only writes down what was decided.
 */
import type { Doc } from '../../parsers/types.js';
import { decodeTermination } from '../../parsers/haproxy/termination.js';
import { isoUtc } from '../../parsers/time.js';
import type { FileCounts } from '../pipeline/parse-file.js';
import type { Store } from './store.js';
import { idleOf, threadFor } from './rules.js';
import { get, TERMINATOR_OF, type AppError, type Session, type Verdict } from './model.js';
import type { Match } from './matcher.js';
import type { Remembered } from './left-window.js';
import { Observations, recommend } from './recommend.js';
import type { CorrelateSettings } from './settings.js';

export interface CorrelateStats {
  files: FileCounts[];
  appErrors: number;
  connections: number;
  untimed: number;
  obs: Observations;
  servers: Set<string>;
}

export interface EventBuilders {
  appEvent(e: AppError, m: Match): Doc;
  connectionEvent(r: Remembered): Doc;
}

/** the two event writers, over the window they read (`store`) and the counters they feed (`stats`) */
export function eventBuilders(store: Store, cfg: CorrelateSettings, stats: CorrelateStats): EventBuilders {
  const appEvent = (e: AppError, m: Match): Doc => {
    stats.appErrors++;
    const v = m.verdict;
    const s = m.session;
    const th = m.decidedThread ? m.decidedThread.th : s ? threadFor(store, s, cfg, e.threadId) : undefined;
    stats.obs.add(v.cause, s ? idleOf(s, th) : undefined);
    const doc = baseDoc(v, 'app_error', e.t);
    const ga = doc.goneaway as Doc;
    ga.join = { method: m.method, candidates: m.candidates };
    ga.recommendation = recommend(
      v.cause,
      stats.obs,
      cfg.haproxySettings,
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
      cfg.haproxySettings,
      v.cause === 'mysql_kill' ? killerOf(v) : undefined,
      { frontend: s.frontend, backend: s.backend, mode: s.mode },
    );
    (doc.goneaway as Doc).join = { method: 'haproxy_session', candidates: 1 };
    doc.log = { file: { path: s.ev.file }, offset: s.ev.offset };
    doc.event = { original: s.ev.text };
    attachSession(doc, s, th);
    return doc;
  };

  return { appEvent, connectionEvent };
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

export function newStats(): CorrelateStats {
  return { files: [], appErrors: 0, connections: 0, untimed: 0, obs: new Observations(), servers: new Set() };
}
