/**
 * The `connection` events of `goneaway correlate --format ndjson`, written from cached byte pieces.
 *
 * Why (issue 13 §2, `node --cpu-prof` of `correlate` on the bench's 500k-line HAProxy-only tcplog file):
 * writing its 92k connection events with the generic writer (json-bytes.ts) took ~0.75 s of ~3.5, a fifth of
 * the run, walking ~45 keys and checking ~1.1 KB of strings per event. Most of an event is fixed text for its
 * cause: the keys, the cause and its confidence, the `why` (a few texts per cause), the recommendation (one
 * text per cause and setting), the join, the file path, the frontend/backend/server names and the state. Those
 * are encoded once and copied; what is new in each event (times, offsets, the client, the line) is written.
 *
 * The bytes are those of `JSON.stringify(event)` for the events `connectionEvent` (src/correlate/event.ts)
 * builds, whose key order this follows; any other event, or one with a field this does not know, goes to the
 * generic writer. test/sinks/event-bytes.test.ts holds it to JSON.stringify on random connection events.
 */
import type { VerdictEvent } from '../correlate/event.js';
import type { Recommendation } from '../correlate/causes.js';
import type { BufferedOutput } from './output.js';
import { FULL, ROOM, value, writeJsonLine } from './json-bytes.js';
import { Block, num, seg, str, type Buf } from './tcplog-ndjson.js';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const q = (s: string): string => JSON.stringify(s);

const K = {
  ts: enc('{"@timestamp":'),
  evidence: enc(',"evidence":['),
  evOffset: enc(',"offset":'),
  evText: enc(',"text":'),
  evTs: enc(',"@timestamp":'),
  recommendation: enc('],"recommendation":'),
  logOffset: enc('},"offset":'),
  original: enc('},"event":{"original":'),
  sourceIp: enc('},"source":{"ip":'),
  port: enc(',"port":'),
  acceptDate: enc(',"accept_date":'),
  sessionEnd: enc(',"session_end":'),
  totalTime: enc(',"total_time_ms":'),
  bytesRead: enc(',"bytes_read":'),
  pid: enc('},"process":{"pid":'),
  mysql: enc(',"mysql":'),
  close: enc('}'),
  end: enc('}\n'),
};

/** `,"goneaway":{…,"why":` by terminator, cause and confidence */
const head = new Block();
/** `{"kind":…,"file":…` of an evidence entry, by kind and file */
const evFile = new Block();
/** `,"join":{…}},"log":{"file":{"path":…` by method, candidates and path */
const joinLog = new Block();
/** `,"haproxy":{…,"termination_state":…` by names and state (the state through its own key) */
const names = new Block();

/** a bounded string → JSON bytes cache, for the strings that repeat (`why`, the evidence's times do not) */
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

/**
 * The JSON of a cause's recommendation (a flat object of strings, built anew for each event): the last one
 * of each cause is kept with its keys and values, and used again while an event's has the same ones in the
 * same order.
 */
class Recommendations {
  private readonly last = new Map<string, { keys: string[]; vals: unknown[]; bytes: Uint8Array }>();
  get(cause: string, r: Recommendation): Uint8Array | undefined {
    const o = r as unknown as Record<string, unknown>;
    const hit = this.last.get(cause);
    if (hit && same(o, hit.keys, hit.vals)) return hit.bytes;
    const keys: string[] = [];
    const vals: unknown[] = [];
    for (const k in o) {
      const v = o[k];
      // a value that is not a string could change under the cache: written each time instead
      if (v !== undefined && typeof v !== 'string') return undefined;
      keys.push(k);
      vals.push(v);
    }
    const bytes = enc(JSON.stringify(o));
    this.last.set(cause, { keys, vals, bytes });
    return bytes;
  }
}
function same(o: Record<string, unknown>, keys: string[], vals: unknown[]): boolean {
  let i = 0;
  for (const k in o) {
    if (k !== keys[i] || o[k] !== vals[i]) return false;
    i++;
  }
  return i === keys.length;
}
const recommendations = new Recommendations();

/** Writes `JSON.stringify(e) + '\n'` into `out`: a connection event from cached pieces, any other generically. */
export function writeEventLine(out: BufferedOutput, e: VerdictEvent): void {
  if (!writeConnection(out, e)) writeJsonLine(out, e);
}

/** the strings of a connection event, their total length (the room its line needs is at most 6 bytes each) */
function textLength(e: VerdictEvent): number {
  const g = e.goneaway;
  let n = e['@timestamp'].length + g.why.length + e.log.file.path.length + e.event.original.length;
  for (const d of g.evidence) n += d.file.length + (d.text?.length ?? 0) + 32;
  const r = g.recommendation;
  n += r.setting.length + r.text.length + (r.current?.length ?? 0) + (r.observed?.length ?? 0);
  const h = e.haproxy!;
  n += h.frontend_name.length + h.backend_name.length + h.server_name.length + h.termination_state.length;
  return n + e.source!.ip.length + 2 * h.accept_date.length + 64 * 8;
}

/** the connection event's line, or false (nothing written) when it is not one this knows */
function writeConnection(out: BufferedOutput, e: VerdictEvent): boolean {
  const g = e.goneaway;
  const h = e.haproxy;
  const src = e.source;
  // what only app_error events carry (event.ts appEvent), or a session field this does not write
  if (g.kind !== 'connection' || g.impact !== undefined || e.error !== undefined || e.app !== undefined) return false;
  if (!h || !src || h.termination !== undefined || h.backend_source !== undefined) return false;
  const room = 256 + 6 * textLength(e);
  if (room > ROOM) return false;
  out.reserve(room);
  const b = out.buf as Buf;
  try {
    out.pos = connection(b, out.pos, e);
    return true;
  } catch (x) {
    if (x !== FULL) throw x;
    return false;
  }
}

/** the line at `p`, in the key order of event.ts connectionEvent and attachSession */
function connection(b: Buf, p: number, e: VerdictEvent): number {
  const g = e.goneaway;
  const h = e.haproxy!;
  const src = e.source!;
  p = seg(b, p, K.ts);
  p = str(b, p, e['@timestamp']);
  p = seg(
    b,
    p,
    head.get(
      g.terminated_by,
      g.cause,
      g.confidence,
      () =>
        `,"goneaway":{"kind":"connection","terminated_by":${q(g.terminated_by)},"cause":${q(g.cause)},"confidence":${JSON.stringify(g.confidence)},"why":`,
    ),
  );
  p = seg(b, p, why.get(g.why));
  p = seg(b, p, K.evidence);
  for (let i = 0; i < g.evidence.length; i++) {
    const d = g.evidence[i]!;
    if (i > 0) b[p++] = 44;
    p = seg(
      b,
      p,
      evFile.get(d.kind, d.file, 0, () => `{"kind":${q(d.kind)},"file":${q(d.file)}`),
    );
    p = seg(b, p, K.evOffset);
    p = num(b, p, d.offset);
    if (d.text !== undefined) {
      p = seg(b, p, K.evText);
      p = str(b, p, d.text);
    }
    if (d['@timestamp'] !== undefined) {
      p = seg(b, p, K.evTs);
      p = str(b, p, d['@timestamp']);
    }
    p = seg(b, p, K.close);
  }
  p = seg(b, p, K.recommendation);
  const rb = recommendations.get(g.cause, g.recommendation);
  p = rb !== undefined ? seg(b, p, rb) : value(b, p, g.recommendation);
  const j = g.join;
  p = seg(
    b,
    p,
    joinLog.get(
      j.method,
      j.candidates,
      e.log.file.path,
      () => `,"join":${JSON.stringify(j)}},"log":{"file":{"path":${q(e.log.file.path)}`,
    ),
  );
  p = seg(b, p, K.logOffset);
  p = num(b, p, e.log.offset);
  p = seg(b, p, K.original);
  p = str(b, p, e.event.original);
  p = seg(b, p, K.sourceIp);
  p = str(b, p, src.ip);
  p = seg(b, p, K.port);
  p = num(b, p, src.port);
  p = seg(
    b,
    p,
    names.get(
      h.frontend_name,
      h.backend_name,
      h.server_name,
      () =>
        `},"haproxy":{"frontend_name":${q(h.frontend_name)},"backend_name":${q(h.backend_name)},"server_name":${q(h.server_name)},"termination_state":`,
    ),
  );
  p = str(b, p, h.termination_state);
  p = seg(b, p, K.acceptDate);
  p = str(b, p, h.accept_date);
  p = seg(b, p, K.sessionEnd);
  p = str(b, p, h.session_end);
  p = seg(b, p, K.totalTime);
  p = num(b, p, h.total_time_ms);
  if (h.bytes_read !== undefined) {
    p = seg(b, p, K.bytesRead);
    p = num(b, p, h.bytes_read);
  }
  if (e.process !== undefined) {
    p = seg(b, p, K.pid);
    p = num(b, p, e.process.pid);
  }
  // closes `haproxy`, or `process`
  p = seg(b, p, K.close);
  if (e.mysql !== undefined) {
    p = seg(b, p, K.mysql);
    p = value(b, p, e.mysql);
  }
  return seg(b, p, K.end);
}
