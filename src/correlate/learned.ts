/**
 * What the Correlator learns from the app's errors as it decides them — where each app's connections come
 * from (app-origin.ts), how long it takes to use a dead connection again (app-lag.ts) and how much of each
 * closure the time-only joins took (joint.ts `TakenMass`) — as one state that can be saved and restored.
 *
 * Why: an agent restarted after `kill -9` reads its files again from the checkpoints and decides again the
 * errors it re-reads; to give the verdicts of an uninterrupted run it must start from what had been learned
 * before the first of those errors, not from nothing and not from the newest state (which already holds what
 * the re-read errors taught). So, once per decided error and before its first change, the origins and lags as
 * they were are handed to the listener with the error (src/agent/learning-journal.ts keeps them until the
 * checkpoints pass it).
 *
 * The taken mass is part of it: an error decided before the saved positions is not read again, but the
 * HAProxy lines of the closures it took are (the window holds that file back by about `max_error_lag`), and
 * without what it took the errors read again would weigh those closures as free (docs/agent-inputs.md "What is
 * saved beside the positions"). It is too large to copy per error (a closure per candidate of every time-only
 * join in the window), and what is kept of a closure is the largest mass any error took it with: the state
 * before an error is the one saved last, raised by what each error decided since took. So the listener is told
 * each raise as it happens (`taken`), with the bound the mass was last trimmed at before each error.
 *
 * So are the closures the errors claimed (saved-claims.ts): an error decided before its log's saved position is
 * not read again, but the closure it took can be, and would enter the rebuilt window unclaimed. The Correlator
 * tells the state of the closure each error's decision changed (`claimed`: taken, or let go again when the error
 * waits for a retry); the journal keeps the claims of the errors a restart will not read again, and `restore` hands
 * them to the window (store.ts), which puts each back on its closure as that closure is read again.
 */
import type { AppOrigins, SavedLearned } from './app-origin.js';
import type { AppLags } from './app-lag.js';
import type { SavedClosure, TakenMass } from './joint.js';
import type { AppError, Session } from './model.js';
import { claimOf, RestoredClaims, type SavedClaim } from './saved-claims.js';

export interface SavedLearning {
  origins: Record<string, SavedLearned>;
  lags: Record<string, number[]>;
  /** the taken mass (not in the state handed over before each error; not in checkpoints of older versions) */
  taken?: SavedClosure[];
  /** the closures claimed by errors a restart does not read again (not in the state handed over before each error;
   *  not in checkpoints of older versions) */
  claims?: SavedClaim[];
}

/** who keeps the states before the errors (the agent's journal); batch `correlate` has none */
export interface LearningListener {
  /** once per decided error, before its first change: the origins and lags before it, and the bound the
   *  taken mass had been trimmed at */
  before(e: AppError | undefined, state: SavedLearning, trimmed: number): void;
  /** a closure's taken mass raised by the error being decided (after its `before`) */
  taken(closure: SavedClosure): void;
  /** a closure's claim as the error being decided left it (after its `before`) */
  claimed(claim: SavedClaim): void;
}

export class Learning {
  /** the app error being decided (the Correlator sets it before its join) */
  deciding: AppError | undefined;
  private listener: LearningListener | undefined;
  /** the error whose state-before was told last */
  private told: AppError | undefined | null = null;
  /** how many changes were made (a saver tells from it whether anything was learned since it last looked) */
  changes = 0;

  constructor(
    private readonly origins: AppOrigins,
    private readonly lags: AppLags,
    private readonly taken: TakenMass,
    /** where restored claims wait for their closures to be read again (store.ts) */
    private readonly restored: RestoredClaims = new RestoredClaims(),
  ) {
    origins.changing = lags.changing = () => this.changing();
  }

  /** tells `to` of what is learned from now on (the taken mass is told of its raises only then) */
  listen(to: LearningListener): void {
    this.listener = to;
    this.taken.adding = (closure) => {
      this.changing();
      to.taken(closure);
    };
  }

  private changing(): void {
    this.changes++;
    if (!this.listener || this.told === this.deciding) return;
    this.told = this.deciding;
    this.listener.before(
      this.deciding,
      { origins: this.origins.serialise(), lags: this.lags.serialise() },
      this.taken.trimmed,
    );
  }

  /** the error being decided changed `s`'s claim (took it, or let it go to be decided again later): told to the
   *  listener; with none (batch `correlate`), nothing is recorded */
  claimed(s: Session | undefined): void {
    if (!this.listener || !s) return;
    this.changing();
    this.listener.claimed(claimOf(s));
  }

  /** the whole state, the taken mass included (the claims are the journal's: learning-journal.ts) */
  serialise(): SavedLearning {
    return { origins: this.origins.serialise(), lags: this.lags.serialise(), taken: this.taken.serialise() };
  }

  restore(saved: SavedLearning | undefined): void {
    this.origins.restore(saved?.origins ?? {});
    this.lags.restore(saved?.lags ?? {});
    this.taken.restore(saved?.taken ?? []);
    this.restored.load(saved?.claims ?? []);
    this.told = null;
  }
}
