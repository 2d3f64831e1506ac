/**
 * The documents the correlator emits: one per app error (goneaway.kind "app_error") and one per
 * abnormal closure nobody noticed (goneaway.kind "connection"), and the run's counters. The
 * Correlator (correlator.ts) decides; event.ts writes down what was decided.
 */
import type { FileCounts } from '../pipeline/parse-file.js';
import type { Store } from './store.js';
import { idleOf } from './rules.js';
import { threadFor } from './thread-for.js';
import type { AppError } from './model.js';
import type { Match } from './matcher.js';
import type { Remembered } from './left-window.js';
import { Observations } from './recommend.js';
import type { CorrelateSettings } from './settings.js';
import {
  appEvent as buildAppEvent,
  connectionDraft as buildConnectionDraft,
  type ConnectionDraft,
  type VerdictEvent,
} from './event.js';
import { RecommendationMemo } from './event-recommendation.js';

export interface CorrelateStats {
  files: FileCounts[];
  appErrors: number;
  connections: number;
  untimed: number;
  /**
   * normal closes on servers no log of the run names, counted and not kept in the window (nothing could refer to
   * them: settings.ts unseenServers), set by the Correlator when it finishes
   */
  unstored: number;
  obs: Observations;
  servers: Set<string>;
}

export interface EventBuilders {
  appEvent(e: AppError, m: Match): VerdictEvent;
  /** a connection event as decided, its object built when asked (ConnectionDraft.toEvent) */
  connectionDraft(r: Remembered): ConnectionDraft;
}

/** the two event writers, over the window they read (`store`) and the counters they feed (`stats`) */
export function eventBuilders(store: Store, cfg: CorrelateSettings, stats: CorrelateStats): EventBuilders {
  const appEvent = (e: AppError, m: Match): VerdictEvent => {
    stats.appErrors++;
    const s = m.session;
    const th = m.decidedThread ? m.decidedThread.th : s ? threadFor(store, s, cfg, e.threadId) : undefined;
    stats.obs.add(m.verdict.cause, s ? idleOf(s, th) : undefined);
    return buildAppEvent(e, m, th, stats.obs, cfg.haproxySettings);
  };
  const memo = new RecommendationMemo();
  const connectionDraft = (r: Remembered): ConnectionDraft => {
    stats.connections++;
    stats.obs.add(r.v.cause, idleOf(r.s, r.th));
    return buildConnectionDraft(r, stats.obs, cfg.haproxySettings, memo);
  };
  return { appEvent, connectionDraft };
}

export function newStats(): CorrelateStats {
  return {
    files: [],
    appErrors: 0,
    connections: 0,
    untimed: 0,
    unstored: 0,
    obs: new Observations(),
    servers: new Set(),
  };
}
