/**
 * One file's checkpoint as saved (Checkpoint) and as the store keeps it while records are handed out and
 * acknowledged (Entry; checkpoints.ts).
 */
import type { FileIdentity } from './inputs/identity.js';
import { savedCuts } from './record-cuts.js';

export interface Checkpoint extends FileIdentity {
  /** the path the file was last seen under */
  path: string;
  /**
   * the path its records carry (log.file.path): the one it was first read under, kept when it is renamed, so a
   * restart that finds it again as NAME.1 goes on under NAME (docs/agent-inputs.md "Paths after a rotation");
   * absent in checkpoints written before it was kept: `path` then
   */
  origin?: string;
  /** where reading resumes: every record before it was acknowledged */
  offset: number;
  /**
   * offsets past `offset`, ascending, where the agent ended a multi-line record at idle: a restart that reads them
   * again ends the record being assembled there too (record-cuts.ts); absent when there are none (and in
   * checkpoints written before cuts were kept)
   */
  cuts?: number[];
}

/**
 * A file's records handed out and not yet part of the acknowledged prefix, as two arrays in file order (offsets
 * grow): one object and one Map entry per record were ~2 % of the agent's CPU at 20,000 lines/s
 * (docs/benchmark-agent.md "CPU per line, 2026-12-07"). An acknowledgement finds its record by a binary search from
 * `head`, at once when they come in order.
 */
export interface Entry {
  cp: Checkpoint;
  /** the offsets of the records handed out, from `head` on not yet all acknowledged */
  offsets: number[];
  /** whether each record of `offsets` is acknowledged */
  acked: boolean[];
  /** index of the first record still waiting (the ones before it are acknowledged) */
  head: number;
  /** records handed out and not acknowledged */
  waiting: number;
  /** end of the last record handed out */
  emittedEnd: number;
  hold: number | undefined;
}

export function newEntry(cp: Checkpoint): Entry {
  cp = { ...cp };
  const cuts = savedCuts(cp.cuts, cp.offset);
  if (cuts) cp.cuts = cuts;
  else delete cp.cuts;
  return { cp, offsets: [], acked: [], head: 0, waiting: 0, emittedEnd: cp.offset, hold: undefined };
}

/** the index of the record at `offset` not acknowledged yet, or -1 */
export function waitingAt(e: Entry, offset: number): number {
  const { offsets, head } = e;
  let i = head;
  if (offsets[head] !== offset) {
    let hi = offsets.length;
    while (i < hi) {
      const mid = (i + hi) >> 1;
      if (offsets[mid]! < offset) i = mid + 1;
      else hi = mid;
    }
  }
  return i < offsets.length && offsets[i] === offset && !e.acked[i] ? i : -1;
}
