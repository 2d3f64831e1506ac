/**
 * The one typed event `goneaway correlate` writes (README "Output"), and the functions that build
 * it. Sinks read it through this type, and the Elasticsearch mapping is keyed by its leaf paths
 * (src/sinks/elasticsearch/mappings.ts): a field added here without a mapping does not compile.
 *
 * Key order is part of the output (NDJSON is compared byte for byte): the builders below add the
 * fields in the order the output has always had them.
 */
import type { TerminationDecoded } from '../../parsers/types.js';
import { decodeTermination } from '../../parsers/haproxy/termination.js';
import { isoUtc } from '../../parsers/time.js';
import type { Cause, Recommendation, Terminator } from './causes.js';
import { TERMINATOR_OF } from './causes.js';
import { get, type AppError, type Evidence, type Session, type Thread, type Verdict } from './model.js';
import type { Match } from './matcher.js';
import type { Remembered } from './left-window.js';
import type { Observations } from './recommend.js';
import { RecommendationMemo, recommendationOf } from './event-recommendation.js';
import type { HaproxySettings } from '../../parsers/haproxy/settings.js';

export type EventKind = 'app_error' | 'connection';

/** one source line used for the verdict */
export type EvidenceDoc = {
  kind: Evidence['kind'];
  file: string;
  offset: number;
  /** absent on a `connection` event's entry of its own line (same file and offset as `log.*`): that
   *  text is `event.original` (docs/documents.md "goneaway correlate output"); `evidenceText` reads both */
  text?: string;
  '@timestamp'?: string;
};

/** the application's fields as the app parsers write them (parsers/app/record.ts) */
export type AppFields = {
  error?: {
    errno?: number;
    sqlstate?: string;
    driver?: string;
    language?: string;
    class?: string;
    symbol?: string;
  };
  sql?: string;
  db?: { local_port?: number; thread_id?: number; host?: string; port?: number; last_received_ms?: number };
  worker?: string;
  logger?: string;
};

/** the 5xx request HAProxy served in HTTP mode when the app's query failed */
export type HttpImpact = {
  frontend: string;
  backend: string;
  server: string;
  status_code: number | undefined;
  request: string | undefined;
  file: string;
  offset: number;
  text: string;
};

export type VerdictEvent = {
  '@timestamp': string;
  goneaway: {
    kind: EventKind;
    terminated_by: Terminator;
    cause: Cause;
    confidence: number;
    why: string;
    evidence: EvidenceDoc[];
    join: { method: string; candidates: number };
    recommendation: Recommendation;
    impact?: { http: HttpImpact };
  };
  error?: { code: string; message: string; type?: string };
  log: { file: { path: string }; offset: number };
  event: { original: string };
  app?: AppFields;
  source?: { ip: string; port: number };
  haproxy?: {
    frontend_name: string;
    backend_name: string;
    server_name: string;
    termination_state: string;
    /** app_error events only: a connection event's reader decodes `termination_state` (`terminationOf`) */
    termination?: TerminationDecoded;
    accept_date: string;
    session_end: string;
    total_time_ms: number;
    bytes_read: number | undefined;
    /** HAProxy's own address toward the server (%bi:%bp) */
    backend_source?: { ip?: string; port?: number };
  };
  process?: { pid: number };
  mysql?: {
    instance: string;
    thread_id?: number;
    user?: string;
    connected_at?: string;
    last_query_at?: string;
  };
};

/** the verdict's evidence lines; the entry of `own` (the event's own line) without its text when given */
function evidenceDocs(v: Verdict, own?: Evidence): EvidenceDoc[] {
  return v.evidence.map((e) => {
    const d: EvidenceDoc = { kind: e.kind, file: e.file, offset: e.offset };
    if (!own || e.offset !== own.offset || e.file !== own.file) d.text = e.text;
    if (e.t !== undefined) d['@timestamp'] = isoUtc(e.t);
    return d;
  });
}

/** an evidence line's text: its own, or the event's line (`event.original`) for the entry that refers to it */
export function evidenceText(e: Pick<VerdictEvent, 'event' | 'log'>, d: EvidenceDoc): string | undefined {
  if (d.text !== undefined) return d.text;
  return d.offset === e.log?.offset && d.file === e.log?.file?.path ? e.event?.original : undefined;
}

/** the decoded termination state of an event's session (connection events carry the state only) */
export function terminationOf(e: Pick<VerdictEvent, 'haproxy'>): TerminationDecoded | undefined {
  const h = e.haproxy;
  if (!h) return undefined;
  return (
    h.termination ?? (typeof h.termination_state === 'string' ? decodeTermination(h.termination_state) : undefined)
  );
}

/** the event of an app error, joined (or not) to a session and its MySQL thread */
export function appEvent(
  e: AppError,
  m: Match,
  th: Thread | undefined,
  obs: Observations,
  settings: HaproxySettings | undefined,
): VerdictEvent {
  const v = m.verdict;
  const s = m.session;
  const evidence = evidenceDocs(v);
  const recommendation = recommendationOf(v, obs, settings, s);
  const type = get(e.doc, 'error.type') as string | undefined;
  const doc: VerdictEvent = {
    '@timestamp': isoUtc(e.t),
    goneaway: {
      kind: 'app_error',
      terminated_by: v.terminatedBy ?? TERMINATOR_OF[v.cause],
      cause: v.cause,
      confidence: v.confidence,
      why: v.why,
      evidence,
      join: { method: m.method, candidates: m.candidates },
      recommendation,
      ...(m.http
        ? {
            impact: {
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
            },
          }
        : {}),
    },
    error: { code: e.code, message: e.message, ...(type !== undefined ? { type } : {}) },
    log: { file: { path: e.file }, offset: e.offset },
    event: { original: e.ev.text },
  };
  if (e.doc.app) doc.app = e.doc.app as AppFields;
  // the app's own line leads the verdict's evidence from now on (a repeat error reuses the verdict)
  v.evidence.unshift(e.ev);
  attachSession(doc, s, th);
  return doc;
}

/**
 * A `connection` event as it is decided: its closure, verdict and MySQL thread, and the recommendation of
 * that moment (it quotes what was observed so far). `toEvent` builds the event object; the NDJSON writer
 * writes the same bytes from these fields without it (src/sinks/event-bytes.ts, issue 13 §2: ~12 objects and
 * 4 time strings per event that the writer only read back).
 */
export class ConnectionDraft {
  constructor(
    readonly s: Session,
    readonly v: Verdict,
    readonly th: Thread | undefined,
    /** shared by the drafts of one cause while its inputs stay the same (`RecommendationMemo`) */
    readonly recommendation: Recommendation,
  ) {}

  /** the event object (the builder of every `connection` event) */
  toEvent(): VerdictEvent {
    const { s, v, th } = this;
    const goneaway = {
      kind: 'connection' as const,
      terminated_by: v.terminatedBy ?? TERMINATOR_OF[v.cause],
      cause: v.cause,
      confidence: v.confidence,
      why: v.why,
      // the session's own line is `event.original`: written once (issue 13 §2)
      evidence: evidenceDocs(v, s.ev),
      // a connection event has always listed its recommendation before its join; a copy: the memo's is shared
      recommendation: { ...this.recommendation },
      join: { method: 'haproxy_session', candidates: 1 },
    };
    const doc: VerdictEvent = {
      '@timestamp': isoUtc(s.end),
      goneaway,
      log: { file: { path: s.ev.file }, offset: s.ev.offset },
      event: { original: s.ev.text },
    };
    // the decoded state is fixed text for its state (docs/haproxy-logs.md §1.10): the reader decodes it
    attachSession(doc, s, th, false);
    return doc;
  }
}

/** an event as the Correlator's batch paths hand it on: built, or a connection event's draft */
export type Emitted = VerdictEvent | ConnectionDraft;

/** the event object of what the Correlator emitted */
export function asEvent(e: Emitted): VerdictEvent {
  return e instanceof ConnectionDraft ? e.toEvent() : e;
}

/** the draft of the event of an abnormal closure no app error claimed (`memo`: the run's, shared by its drafts) */
export function connectionDraft(
  { s, v, th }: Remembered,
  obs: Observations,
  settings: HaproxySettings | undefined,
  memo: RecommendationMemo = new RecommendationMemo(),
): ConnectionDraft {
  return new ConnectionDraft(s, v, th, memo.get(v, s, obs, settings));
}

/** the event of an abnormal closure no app error claimed */
export function connectionEvent(r: Remembered, obs: Observations, settings: HaproxySettings | undefined): VerdictEvent {
  return connectionDraft(r, obs, settings).toEvent();
}

function attachSession(doc: VerdictEvent, s: Session | undefined, th: Thread | undefined, decoded = true): void {
  if (s) {
    doc.source = { ip: s.clientIp, port: s.clientPort };
    doc.haproxy = {
      frontend_name: s.frontend,
      backend_name: s.backend,
      server_name: s.server,
      termination_state: s.state,
      ...(decoded
        ? { termination: (s.termination as TerminationDecoded | undefined) ?? decodeTermination(s.state) }
        : {}),
      accept_date: isoUtc(s.accept),
      session_end: isoUtc(s.end),
      total_time_ms: s.end - s.accept,
      bytes_read: s.bytesRead,
      ...(s.backendSource ? { backend_source: s.backendSource as { ip?: string; port?: number } } : {}),
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
