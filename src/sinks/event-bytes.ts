/**
 * The `connection` events of `goneaway correlate --format ndjson`, written from their drafts (the closure, its
 * verdict, thread and recommendation: src/correlate/event.ts ConnectionDraft) straight into the output buffer.
 *
 * Why (issue 13 §2, `node --cpu-prof` of `correlate` on the bench's 500k-line HAProxy-only tcplog file): its 92k
 * connection events were first built as objects (~12 objects and 4 time strings each) and then read back here;
 * most of an event is fixed text for its cause: the keys, the cause and its confidence, the `why` (a few texts per
 * cause), the recommendation (one object per cause while what it quotes stays the same: event.ts
 * RecommendationMemo), the join, the file path, the frontend/backend/server names. Those are encoded once and
 * copied; what is new in each event (times as digits, offsets, the client, the line) is written.
 *
 * The bytes are those of `JSON.stringify(draft.toEvent())`; a draft with a field this does not write, or too long
 * for the room, goes to the generic writer as its object. test/sinks/event-bytes.test.ts holds it to
 * JSON.stringify on random drafts.
 */
import { ConnectionDraft, type Emitted } from '../correlate/event.js';
import { TERMINATOR_OF, type Recommendation } from '../correlate/causes.js';
import { isoUtc } from '../../parsers/time.js';
import type { BufferedOutput } from './output.js';
import { FULL, ROOM, value, writeJsonLine } from './json-bytes.js';
import { Block, enc, iso, num, seg, str, type Buf, type ByteOut } from './json-pieces.js';

const q = (s: string): string => JSON.stringify(s);

const K = {
  ts: enc('{"@timestamp":"'),
  evidence: enc(',"evidence":['),
  evOffset: enc(',"offset":'),
  evText: enc(',"text":'),
  evTs: enc(',"@timestamp":"'),
  evEnd: enc('"}'),
  recommendation: enc('],"recommendation":'),
  logOffset: enc('},"offset":'),
  original: enc('},"event":{"original":'),
  sourceIp: enc('},"source":{"ip":'),
  port: enc(',"port":'),
  acceptDate: enc(',"accept_date":"'),
  sessionEnd: enc('","session_end":"'),
  totalTime: enc('","total_time_ms":'),
  bytesRead: enc(',"bytes_read":'),
  pid: enc('},"process":{"pid":'),
  mysql: enc(',"mysql":'),
  close: enc('}'),
  end: enc('}\n'),
};

/** `","goneaway":{…,"why":` by terminator, cause and confidence */
const head = new Block();
/** `{"kind":…,"file":…` of an evidence entry, by kind and file */
const evFile = new Block();
/** `,"join":{…}},"log":{"file":{"path":…` by path */
const joinLog = new Block();
/** `,"haproxy":{…,"termination_state":` by names */
const names = new Block();
/** `,"mysql":{"instance":…}}\n` of a closure without a thread, by server */
const instance = new Block();

/** a bounded string → JSON bytes cache, for the strings that repeat (`why`, the states) */
class Quoted {
  private readonly map = new Map<string, Uint8Array>();
  get(s: string): Uint8Array {
    let b = this.map.get(s);
    if (b === undefined) {
      b = enc(q(s));
      if (this.map.size < 4096) this.map.set(s, b);
    }
    return b;
  }
}
const why = new Quoted();
const state = new Quoted();

/** the JSON of a recommendation, by the object (drafts of one cause share it while it stays the same) */
const recommendations = new WeakMap<Recommendation, Uint8Array>();
function recommendationBytes(r: Recommendation): Uint8Array {
  let b = recommendations.get(r);
  if (b === undefined) recommendations.set(r, (b = enc(JSON.stringify(r))));
  return b;
}

/** Writes `JSON.stringify(e) + '\n'` into `out`: a connection event's draft from its fields, any other event
 *  generically. */
export function writeEventLine(out: BufferedOutput, e: Emitted): void {
  if (!(e instanceof ConnectionDraft)) writeJsonLine(out, e);
  else if (!writeConnection(out, e)) writeJsonLine(out, e.toEvent());
}

/** the room a draft's line needs at most: its strings at 6 bytes a character, and the rest */
function room(d: ConnectionDraft): number {
  const s = d.s;
  let n = d.v.why.length + s.ev.file.length + s.ev.text.length + s.clientIp.length + s.state.length;
  n += s.frontend.length + s.backend.length + s.server.length;
  for (const e of d.v.evidence) n += e.file.length + e.text.length + 48;
  const th = d.th;
  if (th) n += th.instance.length + (th.user?.length ?? 0) + 128;
  return 6 * n + recommendationBytes(d.recommendation).length + 512;
}

/**
 * The draft's line (`JSON.stringify(d.toEvent())` and a newline) at `out.pos`, or false (nothing written) when it
 * has a field this does not write or is too long. Also the agent's verdict documents (elasticsearch/verdict-bytes.ts).
 */
export function writeConnection(out: ByteOut, d: ConnectionDraft): boolean {
  // a session field event.ts attachSession writes and this does not
  if (d.s.backendSource) return false;
  const need = room(d);
  if (need > ROOM) return false;
  out.reserve(need);
  const b = out.buf as Buf;
  try {
    out.pos = connection(b, out.pos, d);
    return true;
  } catch (x) {
    if (x !== FULL) throw x;
    return false;
  }
}

/** the line at `p`, in the key order of event.ts ConnectionDraft.toEvent and attachSession */
function connection(b: Buf, p: number, d: ConnectionDraft): number {
  const { s, v, th } = d;
  const ev = s.ev;
  const by = v.terminatedBy ?? TERMINATOR_OF[v.cause];
  p = seg(b, p, K.ts);
  p = iso(b, p, s.end);
  p = seg(
    b,
    p,
    head.get(
      by,
      v.cause,
      v.confidence,
      () =>
        `","goneaway":{"kind":"connection","terminated_by":${q(by)},"cause":${q(v.cause)},"confidence":${JSON.stringify(v.confidence)},"why":`,
    ),
  );
  p = seg(b, p, why.get(v.why));
  p = seg(b, p, K.evidence);
  const evidence = v.evidence;
  for (let i = 0; i < evidence.length; i++) {
    const e = evidence[i]!;
    if (i > 0) b[p++] = 44;
    p = seg(
      b,
      p,
      evFile.get(e.kind, e.file, 0, () => `{"kind":${q(e.kind)},"file":${q(e.file)}`),
    );
    p = seg(b, p, K.evOffset);
    p = num(b, p, e.offset);
    // the entry of the event's own line has no text: it is `event.original` (event.ts evidenceDocs)
    if ((e.offset !== ev.offset || e.file !== ev.file) && e.text !== undefined) {
      p = seg(b, p, K.evText);
      p = str(b, p, e.text);
    }
    if (e.t !== undefined) {
      p = seg(b, p, K.evTs);
      p = iso(b, p, e.t);
      p = seg(b, p, K.evEnd);
    } else p = seg(b, p, K.close);
  }
  p = seg(b, p, K.recommendation);
  p = seg(b, p, recommendationBytes(d.recommendation));
  p = seg(
    b,
    p,
    joinLog.get(
      ev.file,
      0,
      0,
      () => `,"join":{"method":"haproxy_session","candidates":1}},"log":{"file":{"path":${q(ev.file)}`,
    ),
  );
  p = seg(b, p, K.logOffset);
  p = num(b, p, ev.offset);
  p = seg(b, p, K.original);
  p = str(b, p, ev.text);
  p = seg(b, p, K.sourceIp);
  p = str(b, p, s.clientIp);
  p = seg(b, p, K.port);
  p = num(b, p, s.clientPort);
  p = seg(
    b,
    p,
    names.get(
      s.frontend,
      s.backend,
      s.server,
      () =>
        `},"haproxy":{"frontend_name":${q(s.frontend)},"backend_name":${q(s.backend)},"server_name":${q(s.server)},"termination_state":`,
    ),
  );
  p = seg(b, p, state.get(s.state));
  p = seg(b, p, K.acceptDate);
  p = iso(b, p, s.accept);
  p = seg(b, p, K.sessionEnd);
  p = iso(b, p, s.end);
  p = seg(b, p, K.totalTime);
  p = num(b, p, s.end - s.accept);
  if (s.bytesRead !== undefined) {
    p = seg(b, p, K.bytesRead);
    p = num(b, p, s.bytesRead);
  }
  if (s.pid !== undefined) {
    p = seg(b, p, K.pid);
    p = num(b, p, s.pid);
  }
  // closes `haproxy`, or `process`
  p = seg(b, p, K.close);
  if (!th)
    return seg(
      b,
      p,
      instance.get(s.server, 0, 0, () => `,"mysql":{"instance":${q(s.server)}}}\n`),
    );
  p = seg(b, p, K.mysql);
  p = value(b, p, mysqlOf(th));
  return seg(b, p, K.end);
}

/** `mysql` of a closure with its thread, as event.ts attachSession builds it */
function mysqlOf(th: NonNullable<ConnectionDraft['th']>): object {
  return {
    instance: th.instance,
    thread_id: th.id,
    ...(th.user ? { user: th.user } : {}),
    ...(th.connectT !== undefined ? { connected_at: isoUtc(th.connectT) } : {}),
    ...(th.lastQueryT !== undefined ? { last_query_at: isoUtc(th.lastQueryT) } : {}),
  };
}
