/**
 * Records cut at idle (docs/agent-inputs.md "Records cut at idle, 2026-12-07"). A file quiet for
 * `agent.idle_after` has the multi-line record it was assembling taken as complete (turns.ts; Filebeat's
 * `multiline.timeout` does the same). Lines of that record written later make a record of their own. A restart
 * reads again from the checkpoint, which can lie before that record (the correlation window holds it): read in
 * one go, the record would come out whole, with another text, so another `_id` (src/sinks/doc-id.ts), and its
 * lines would be indexed twice. So the agent remembers where it cut — the offset where the next line starts,
 * per file identity, in checkpoints.json — and a line read at a remembered cut first ends the record being
 * assembled: the records are those of the live run.
 *
 * Batch `goneaway correlate` reads files whole and knows no cuts: it can make one record of what the agent
 * indexed as two (a writer that stalled longer than idle_after in the middle of a record).
 */

/**
 * The most cuts kept per file. A cut is made once per quiet period of a file that had a record pending, and kept
 * while the checkpoint is held before it (the correlation window's hold: minutes): 256 covers a file going quiet
 * every 5 s (agent.idle_after's default) for over 20 min. Past it the oldest cut goes: a restart reading from
 * before it may make one record of what the live run indexed as two (docs/agent-inputs.md "Records cut at idle,
 * 2026-12-07").
 */
export const MAX_CUTS = 256;

/** Saved cuts as a sound list: whole numbers past `after`, ascending, MAX_CUTS at most; undefined if none. */
export function savedCuts(cuts: unknown, after: number): number[] | undefined {
  if (!Array.isArray(cuts)) return undefined;
  const sound = cuts.filter((c): c is number => Number.isInteger(c) && (c as number) > after);
  const out = [...new Set(sound)].sort((a, b) => a - b).slice(-MAX_CUTS);
  return out.length ? out : undefined;
}

/** Adds `at` to `cuts` (ascending); false if it is not past the last one (cuts come in file order). */
export function addCut(cuts: number[], at: number): boolean {
  if (cuts.length && cuts[cuts.length - 1]! >= at) return false;
  cuts.push(at);
  return true;
}

/** Drops the cuts at or before `offset`; returns how many are left. */
export function dropCutsTo(cuts: number[], offset: number): number {
  let n = 0;
  while (n < cuts.length && cuts[n]! <= offset) n++;
  cuts.splice(0, n);
  return cuts.length;
}

/**
 * The cuts a file being read must honour, from its saved checkpoint: a line starting at `next` ends the record
 * being assembled first. One number compare per line (`offset >= next`); the list is looked at only then.
 */
export class CutsAhead {
  next = Infinity;
  private i = 0;

  constructor(private readonly cuts: readonly number[] = []) {
    this.next = cuts[0] ?? Infinity;
  }

  /** Whether the line at `offset` starts at a cut (called once `offset >= next`); moves on past `offset`. */
  reached(offset: number): boolean {
    const at = this.next === offset;
    while (this.i < this.cuts.length && this.cuts[this.i]! <= offset) this.i++;
    this.next = this.cuts[this.i] ?? Infinity;
    return at;
  }
}
