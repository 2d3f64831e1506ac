/**
 * What a decision takes for itself. The rules (rules.ts, aborted.ts) are pure: deciding a session
 * returns its verdict and the claims that verdict rests on (the MySQL thread behind the session, the
 * Aborted line it used); only the caller that keeps the verdict applies them. The matcher weighs many
 * candidate sessions for one error and keeps one: the others' claims are dropped, so a candidate that
 * lost does not keep a thread or an Aborted line another session needs. A thread's own Aborted line is not a
 * claim of a choice but a fact about the thread, which later mappings read: it is attached where the line is
 * read (ingest-mysql.ts), so a dropped decision leaves nothing behind.
 */
import type { Aborted, Session, Thread } from './model.js';

export type Claim =
  /** the thread is this session's: `threadFor` skips it for any other session */
  | { kind: 'thread'; thread: Thread; session: Session }
  /** the Aborted line is used: no other session takes it; it is remembered on the session or thread */
  | { kind: 'aborted'; line: Aborted; session?: Session | undefined; thread?: Thread | undefined };

export interface Decision<V> {
  verdict: V;
  claims: Claim[];
}

/** claims applied so far (the clock of `claimedSince`) */
let applied = 0;
/** when claims were last applied on each server (a decision's claims are all on its session's server) */
const lastOn = new Map<string, number>();
/** when claims were last applied that name no session (orphan Aborted lines: their server is not known) */
let lastUnplaced = 0;

/** a mark of the claims applied on `server` (and of those whose server is unknown): a decision made on that
 *  server stands while the mark is unchanged, since nothing the rules read there was claimed (time-candidates.ts) */
export function claimsMark(server: string): number {
  return Math.max(lastOn.get(server) ?? 0, lastUnplaced);
}

export function applyClaims(claims: readonly Claim[]): void {
  if (claims.length) {
    applied++;
    let server: string | undefined;
    for (const c of claims) server ??= c.session?.server;
    if (server === undefined) lastUnplaced = applied;
    else lastOn.set(server, applied);
  }
  for (const c of claims) {
    if (c.kind === 'thread') {
      c.thread.session = c.session;
      continue;
    }
    c.line.claimed = true;
    const seen = { t: c.line.t, reason: c.line.reason, ev: c.line.ev };
    if (c.session) c.session.aborted = seen;
    if (c.thread && !c.thread.aborted) c.thread.aborted = seen;
  }
}

/** binds `th` to `s` (a decision kept without `decideSession`: a closure leaving the window) */
export function bindThread(th: Thread | undefined, s: Session): void {
  if (th) applyClaims([{ kind: 'thread', thread: th, session: s }]);
}

/** errors in which the server said why it closes: the app's next use of that handle fails again */
const SERVER_ANNOUNCED = new Set(['1153', '4031', '1927', '1053', '1080']);

/** the error `e` (of app log `file`, code `code`) takes session `s` for itself (what its decision leaves on `s` is
 *  saved by the agent for a restart that reads `s` again but not `e`: saved-claims.ts) */
export function takeSession(s: Session, e: { file: string; code: string }): void {
  s.reusableBy = !s.claimed && SERVER_ANNOUNCED.has(e.code) ? e.file : undefined;
  s.claimed = true;
}

/** the MySQL thread a decision maps its session to, if any */
export function threadOfClaims(claims: readonly Claim[]): Thread | undefined {
  for (const c of claims) if (c.kind === 'thread') return c.thread;
  return undefined;
}
