/**
 * The closures leaving the Correlator's window, decided as they leave: an abnormal closure nobody claimed, and a
 * `--` close with evidence of a KILL, a restart or a crash, each remembered with its verdict until it leaves the
 * left window (left-window.ts), then its `connection` event.
 */
import type { Emitted } from './event.js';
import type { Store } from './store.js';
import type { EventBuilders } from './engine.js';
import type { Remembered } from './left-window.js';
import { decideSession, mayBeServerClosed } from './rules.js';
import { threadFor } from './thread-for.js';
import type { Session, Verdict } from './model.js';
import { applyClaims, bindThread } from './claims.js';
import { inRange, type CorrelateSettings } from './settings.js';

/**
 * The events of the closures that ended before `cutoff` (all of them when `final`), as they are decided: at the end
 * of a large input they are many, and none has to wait for the others. `short`: no app error can come (the
 * Correlator's short window). The context (threads, Aborted lines) older than what the sessions still held may
 * read goes too.
 */
export function* leaveWindow(
  store: Store,
  cfg: CorrelateSettings,
  events: EventBuilders,
  short: boolean,
  watermark: number,
  cutoff: number,
  final: boolean,
): Generator<Emitted> {
  const { abnormal, normal } = store.evictSessions(cutoff);
  // Each closure is remembered with its verdict: its `connection` event waits until it leaves the
  // left window, unless a late error claims it first.
  const released = (rs: Remembered[]) =>
    rs.filter((r) => !r.s.claimed && inRange(r.s.end, cfg)).map((r) => events.connectionDraft(r));
  const remember = (s: Session, v: Verdict) => {
    void s.ev; // read while its row still holds its line (store.ts evictSessions): the event will need it
    const th = threadFor(store, s, cfg);
    bindThread(store.claims, th, s);
    // With no app log (`short`) no error can come to claim the closure (only an app error sets `claimed`:
    // claims.ts), so it is not remembered for one: its event goes out now, in the order the left window would
    // have released it. Kept, each of the ~100k closures of an HAProxy-only file outlived two scavenges and was
    // promoted with its line (docs/performance.md).
    if (short) return inRange(s.end, cfg) ? [events.connectionDraft({ s, v, th })] : [];
    return released(store.left.add({ s, v, th }));
  };
  for (const s of abnormal) {
    // a session that never reached its server (SC, sC, CC, sQ, CR…) is a failed connect, not a closure
    if ('CQRT'.includes(s.state[1] ?? '') && s.state[1] !== undefined) continue;
    const d = decideSession(store, s, cfg);
    applyClaims(store.claims, d.claims);
    yield* remember(s, d.verdict);
  }
  // `--` can hide a KILL, a restart or a crash (lab scenario 04, docs/lab-findings.md, 06): only those with such
  // evidence
  for (const s of normal) {
    if (!mayBeServerClosed(store, s, cfg)) continue;
    const d = decideSession(store, s, cfg);
    // reported or not, the session leaves with its thread: no later session maps to that thread
    applyClaims(store.claims, d.claims);
    if (d.verdict.cause !== 'unknown') yield* remember(s, d.verdict);
  }
  store.evictContext(cutoff, final ? Infinity : cutoff - (watermark - cutoff));
  if (final) yield* released(store.left.drain());
}
