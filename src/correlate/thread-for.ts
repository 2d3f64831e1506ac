/**
 * Which MySQL thread was a session's: by the thread id the app logged, else by the thread's Connect (and its
 * Quit, Aborted line or KILL) against the session's accept and end on that server, whole-second stamps and the
 * clock skew allowed for; ties of one second go by accept rank. The rules (rules.ts) read the thread it finds.
 */
import { stampResolution, type Session, type Thread } from './model.js';
import { acceptKey, type Instance, type Store } from './store.js';
import { isProbeThread } from './ingest-mysql.js';
import type { CorrelateSettings } from './settings.js';

/**
 * The MySQL thread behind a session: exact by thread id when the app gave one, else by Connect time on
 * that server. Pure: the caller that keeps the mapping binds it (claims.ts).
 */
export function threadFor(store: Store, s: Session, cfg: CorrelateSettings, threadId?: number): Thread | undefined {
  const inst = store.instances.get(s.server);
  if (!inst) return undefined;
  if (threadId !== undefined) {
    const l = inst.threads.get(threadId);
    if (l) {
      for (let i = l.length - 1; i >= 0; i--) {
        const th = l[i]!;
        if (th.connectT === undefined || th.connectT <= s.end + cfg.skew + 1000) return th;
      }
    }
  }
  // Connect lines have 1 s resolution (MariaDB); the server sees the connection Tc ms after accept.
  const lo = Math.floor((s.accept - cfg.skew) / 1000) - 1,
    hi = Math.floor((s.accept + cfg.skew) / 1000) + 1;
  let best: Thread | undefined,
    bestD = Infinity;
  let tied: Thread[] | undefined;
  for (let k = lo; k <= hi; k++) {
    for (const th of inst.bySecond.get(k) ?? []) {
      if (th.session && th.session !== s) continue;
      if (isProbeThread(th)) continue;
      if (th.quitT !== undefined && th.quitT < s.accept - cfg.skew - 1000) continue;
      // the thread's own end must agree with the session's end. A Quit is the client's clean close:
      // HAProxy closes both sides within milliseconds, so the session ends in the Quit's second
      // (general-log stamps are truncated to it). A DBA's `KILL` thread connects and quits during
      // the victim's session; without this it passes for a same-second app connection (lab 04).
      if (th.quitT !== undefined && (s.end < th.quitT - cfg.skew || s.end > th.quitT + 1000 + cfg.skew)) continue;
      // An Aborted line is written when the server notices the close: "timeout reading" when it
      // closes, "error reading/writing" after HAProxy did. A "(KILLED)" line is the KILL's time: a
      // half-open victim's session ends whenever the app next writes (docs/lab-findings.md §3, scenario 04), no bound.
      const ab = th.aborted && th.aborted.reason !== 'killed' ? th.aborted.t : undefined;
      const end = th.quitT ?? ab;
      if (end !== undefined && Math.abs(end - s.end) > cfg.skew + 2000 && end < s.end) continue;
      // a thread killed after the session ended cannot be it
      if (th.killed && th.killed.t > s.end + cfg.skew + 1000) continue;
      // Distances to what a stamp means: a whole-second stamp k is any instant of [k, k + 1 s), so
      // an accept at .586 is 0 ms from a Connect logged in that second and 414 ms from one logged
      // the next. A KILLed running query ends its session at the KILL; an idle victim later. HAProxy's own
      // timeouts (`cD`, `sD`) end a session when its idle timer expires, whatever the server did before: a KILL's
      // time says nothing of where such an end is (a victim left half-open is logged `cD` `timeout client` after
      // its last traffic), so a KILL one second before a `cD` is no better fit than a thread with no end known
      const killEnds = th.killed !== undefined && s.state[0] !== 'c' && s.state[0] !== 's';
      const dEnd =
        end !== undefined ? toStamp(s.end, end) : killEnds ? Math.min(1500, toStamp(s.end, th.killed!.t)) : 1500;
      const d = toStamp(s.accept, th.connectT ?? 0) + dEnd + 2 * skewConflict(s, th.connectT, end);
      if (d < bestD) {
        best = th;
        bestD = d;
        tied = undefined;
      } else if (d === bestD) (tied ??= [best!]).push(th);
    }
  }
  if (tied && best && best.connectT !== undefined) best = byAcceptRank(inst, s, tied);
  return best;
}

/**
 * Threads whose Connect stamps fit a session equally well (MariaDB's general log has whole
 * seconds: three pooled connections opened in one second all "fit" each of their sessions; lab
 * 04, a kept CI run where a greedy pick crossed them): the session that HAProxy accepted k-th in
 * its second on that server is the k-th connection the server registered then, because thread ids
 * are handed out in connect order. Independent of which session asks first.
 */
function byAcceptRank(inst: Instance, s: Session, tied: Thread[]): Thread {
  const sec = Math.floor(s.accept / 1000);
  // sessions still open are not logged yet: the known rank is a lower bound of the real one
  let rank = 0;
  const own = acceptKey(s);
  for (const k of inst.acceptSec.get(sec) ?? []) if (k < own) rank++;
  // the app connections the server registered in that second, in connect (= thread id) order
  const sameSec = (inst.bySecond.get(sec) ?? []).filter((th) => !isProbeThread(th)).sort((a, b) => a.id - b.id);
  const score = (th: Thread): number => {
    // threads already mapped say where this one can be: ids grow with accepts
    let crossed = 0;
    for (const o of sameSec) {
      const os = o.session;
      if (!os || os === s || o === th) continue;
      if (os.accept < s.accept !== o.id < th.id) crossed++;
    }
    const i = sameSec.indexOf(th);
    const gap = i < 0 ? 1e6 : i >= rank ? i - rank : 1000 + rank - i;
    return crossed * 1e7 + gap;
  };
  let best = tied[0]!,
    bestScore = Infinity;
  for (const th of tied) {
    const sc = score(th);
    if (sc < bestScore || (sc === bestScore && th.id < best.id)) {
      best = th;
      bestScore = sc;
    }
  }
  return best;
}

/**
 * One clock offset must explain both ends of a mapping: MySQL logs Connect a handshake after
 * HAProxy's accept and Quit just before HAProxy's close, so (Connect − accept) and (Quit − end)
 * are the same skew give or take the stamps' resolution. A DBA's `KILL` thread connected 271 ms
 * after an app session's accept and quit 511 ms before its end fits each side within the skew
 * tolerance, but only with the MySQL clock ahead at one end and behind at the other (lab 04, a
 * kept CI run). Returns by how many ms the two offset ranges miss each other (0 when they agree).
 */
function skewConflict(s: Session, connectT: number | undefined, end: number | undefined): number {
  if (connectT === undefined || end === undefined) return 0;
  const HANDSHAKE = 200;
  const cLo = connectT - s.accept - HANDSHAKE,
    cHi = connectT + stampResolution(connectT) - s.accept;
  const eLo = end - s.end - 100,
    eHi = end + stampResolution(end) - s.end + 100;
  return Math.max(0, cLo - eHi, eLo - cHi);
}

/** ms from instant x to a log stamp, which covers [t, t + 1 s) when it has whole seconds only */
function toStamp(x: number, t: number): number {
  const res = stampResolution(t);
  return x < t ? t - x : x >= t + res ? x - t - res : 0;
}
