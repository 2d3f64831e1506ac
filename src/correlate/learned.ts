/**
 * What the Correlator learns from the app's errors as it decides them — where each app's connections come
 * from (app-origin.ts) and how long it takes to use a dead connection again (app-lag.ts) — as one state that
 * can be saved and restored.
 *
 * Why: an agent restarted after `kill -9` reads its files again from the checkpoints and decides again the
 * errors it re-reads; to give the verdicts of an uninterrupted run it must start from what had been learned
 * before the first of those errors, not from nothing and not from the newest state (which already holds what
 * the re-read errors taught). So, once per decided error and before its first change, the state as it was is
 * handed to `onBefore` with the error (src/agent/learning-journal.ts keeps it until the checkpoints pass it).
 * The closures earlier joins took (`Store.taken`) are not part of it: they belong to sessions in the window,
 * which a restart reads again with the errors that took them.
 */
import type { AppOrigins, SavedLearned } from './app-origin.js';
import type { AppLags } from './app-lag.js';
import type { AppError } from './model.js';

export interface SavedLearning {
  origins: Record<string, SavedLearned>;
  lags: Record<string, number[]>;
}

export class Learning {
  /** the app error being decided (the Correlator sets it before its join) */
  deciding: AppError | undefined;
  /** told once per decided error, before its first change, with the state before it */
  onBefore: ((e: AppError | undefined, before: SavedLearning) => void) | undefined;
  /** the error whose state-before was told last */
  private told: AppError | undefined | null = null;
  /** how many changes were made (a saver tells from it whether anything was learned since it last looked) */
  changes = 0;

  constructor(
    private readonly origins: AppOrigins,
    private readonly lags: AppLags,
  ) {
    origins.changing = lags.changing = () => this.changing();
  }

  private changing(): void {
    this.changes++;
    if (!this.onBefore || this.told === this.deciding) return;
    this.told = this.deciding;
    this.onBefore(this.deciding, this.serialise());
  }

  serialise(): SavedLearning {
    return { origins: this.origins.serialise(), lags: this.lags.serialise() };
  }

  restore(saved: SavedLearning | undefined): void {
    this.origins.restore(saved?.origins ?? {});
    this.lags.restore(saved?.lags ?? {});
    this.told = null;
  }
}
