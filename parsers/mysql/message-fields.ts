/**
 * The fields of the two server messages about one connection that carry many: `Aborted connection …` (who, from
 * where, why, and on MariaDB who killed it) and `Could not read/write packet: fd: … errno: …`. The classifier that
 * tells which message a line is and calls these is error-messages.ts.
 */
import { reasonCode } from './reason-code.js';

// A thread column above 2^32 is an OS thread id (MariaDB ≤10.2, docs/mysql-logs.md §2.1), never a connection id.
const MAX_CONNECTION_ID = 4294967295;

/**
 * `Aborted connection %u to db: '<db>' user: '<user>' host: '<host>'[ real ip: '<ip>'] (<reason>)[.]`
 * (ER_NEW_ABORTING_CONNECTION / MY-010914 with trailing `.`; old ER_ABORTING_CONNECTION has no host;
 * MariaDB MDEV-33506 adds `real ip`). Quote-delimited by the fixed labels, not by `'`, because
 * printf does not escape quotes inside names. A reason cut at 64 chars (no `)`) still gives a record.
 */
export function parseAborted(body: string, threadCol: number | undefined): Record<string, unknown> | undefined {
  let idEnd = body.indexOf(' ', 19);
  if (idEnd < 0) idEnd = body.length;
  const victim = Number(body.slice(19, idEnd));
  if (!Number.isInteger(victim)) return undefined;
  const out: Record<string, unknown> = { thread_id: victim };
  let p = idEnd;
  const dbAt = body.indexOf(" to db: '", p - 1);
  const userAt = body.indexOf("' user: '", dbAt + 1);
  if (dbAt >= 0 && userAt > dbAt) {
    out.db = body.slice(dbAt + 9, userAt);
    p = userAt + 9;
    const hostAt = body.indexOf("' host: '", p);
    const parenAt = body.indexOf("' (", p);
    if (hostAt >= 0 && (parenAt < 0 || hostAt < parenAt)) {
      out.user = body.slice(p, hostAt);
      p = hostAt + 9;
      const ipAt = body.indexOf("' real ip: '", p);
      const hostEnd = body.indexOf("' (", p);
      if (ipAt >= 0 && (hostEnd < 0 || ipAt < hostEnd)) {
        out.host = body.slice(p, ipAt);
        out.real_ip = body.slice(ipAt + 12, hostEnd >= 0 ? hostEnd : undefined);
      } else {
        out.host = body.slice(p, hostEnd >= 0 ? hostEnd : undefined);
      }
      p = hostEnd >= 0 ? hostEnd + 1 : body.length;
    } else {
      out.user = body.slice(p, parenAt >= 0 ? parenAt : undefined);
      p = parenAt >= 0 ? parenAt + 1 : body.length;
    }
  }
  const open = body.indexOf(' (', p - 1);
  let reason = '';
  if (open >= 0) {
    const seg = body.slice(open + 2);
    const close = seg.lastIndexOf(')');
    reason = close >= 0 ? seg.slice(0, close) : seg;
  }
  out.reason = reason;
  const code = reasonCode(reason);
  out.reason_code = code;
  // docs/lab-findings.md §3, scenario 04/06: on MariaDB the (KILLED) line is written by the killer's thread; 0 =
  // shutdown.
  if (code === 'killed' && threadCol !== undefined) {
    if (threadCol === 0) out.by_shutdown = true;
    else if (threadCol !== victim && threadCol <= MAX_CONNECTION_ID) out.killer_thread_id = threadCol;
  }
  return out;
}

// `Could not read packet: fd: 47  state: 1  read_length: 4  errno: 11  vio_errno: 1158  length: 0`
// (docs/lab-findings.md 01/02/03); the write variant has no read_length. Leading space in each label so `errno`
// does not hit `vio_errno`.
const PACKET_FIELDS: ReadonlyArray<[string, string]> = [
  [' fd: ', 'fd'],
  [' state: ', 'state'],
  [' read_length: ', 'read_length'],
  [' errno: ', 'errno'],
  [' vio_errno: ', 'vio_errno'],
  [' length: ', 'length'],
];

function intAt(s: string, i: number): number | undefined {
  let p = i,
    v = 0;
  const neg = s.charCodeAt(p) === 45;
  if (neg) p++;
  const start = p;
  while (p < s.length && p - start < 16) {
    const c = s.charCodeAt(p) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    p++;
  }
  return p === start ? undefined : neg ? -v : v;
}

/** `Could not read packet: …` / `Could not write packet: …` → its numbers, by label (any of them may be missing) */
export function parsePacketError(body: string, direction: 'read' | 'write'): Record<string, unknown> {
  const out: Record<string, unknown> = { direction };
  let from = 21;
  for (const [label, key] of PACKET_FIELDS) {
    const at = body.indexOf(label, from);
    if (at < 0) continue;
    const v = intAt(body, at + label.length);
    if (v !== undefined) {
      out[key] = v;
      from = at + label.length;
    }
  }
  return out;
}
