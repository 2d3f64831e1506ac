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

/**
 * The marks of the claims applied in one window (a Store's `claims`): a decision cached within a tick stands
 * while the mark of its session's server is unchanged (time-candidates.ts `storyFor`). Each window keeps its own:
 * claims applied in another window (another Correlator in the process) change nothing this one's rules read.
 */
export class ClaimMarks {
  /** claims applied so far (the clock of the marks) */
  private applied = 0;
  /** when claims were last applied on each server (a decision's claims are all on its session's server) */
  private readonly lastOn = new Map<string, number>();
  /** when claims were last applied that name no session (orphan Aborted lines: their server is not known) */
  private lastUnplaced = 0;

  /** a mark of the claims applied on `server` (and of those whose server is unknown): a decision made on that
   *  server stands while the mark is unchanged, since nothing the rules read there was claimed */
  of(server: string): number {
    return Math.max(this.lastOn.get(server) ?? 0, this.lastUnplaced);
  }

  /** `claims`, about to be applied, move the mark of their server */
  note(claims: readonly Claim[]): void {
    if (!claims.length) return;
    this.applied++;
    let server: string | undefined;
    for (const c of claims) server ??= c.session?.server;
    if (server === undefined) this.lastUnplaced = this.applied;
    else this.lastOn.set(server, this.applied);
  }
}

/** applies a kept decision's claims in the window whose marks are `marks` (Store `claims`) */
export function applyClaims(marks: ClaimMarks, claims: readonly Claim[]): void {
  marks.note(claims);
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
export function bindThread(marks: ClaimMarks, th: Thread | undefined, s: Session): void {
  if (th) applyClaims(marks, [{ kind: 'thread', thread: th, session: s }]);
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
