/**
 * One parse of a file read by two readers in turn: a look-ahead reader takes records from its head (the
 * clock-offset pre-pass of `correlate`: src/correlate/clock-check.ts) and may stop anywhere; the main reader
 * then gets every record, those the look-ahead read from memory. Each line is parsed once, and the file's
 * counts are those of that one parse (the pre-pass used to parse up to 1 M HAProxy lines a second time:
 * ~10 % of a correlate run's CPU, README "Benchmarks").
 */
import type { ParseContext } from '../../parsers/types.js';
import type { LogKind } from '../sources/log-kind.js';
import { newCounts, parseFile, type FileCounts, type ParsedRecord, type ParseFileOptions } from './parse-file.js';

export class SharedParse {
  /** records read ahead and not yet handed to the main reader */
  private held: Array<ParsedRecord | undefined> = [];
  private ended = false;
  private mainStarted = false;

  constructor(
    readonly counts: FileCounts,
    private readonly source: Iterator<ParsedRecord>,
  ) {}

  private pull(): ParsedRecord | undefined {
    if (this.ended) return undefined;
    const n = this.source.next();
    if (n.done) {
      this.ended = true;
      return undefined;
    }
    return n.value;
  }

  /**
   * The records from the first, kept for the main reader. Leaving the loop early stops the look-ahead
   * only: the parse goes on in `all()`. Once that has started the look-ahead sees no more records.
   */
  *head(): Generator<ParsedRecord> {
    for (let i = 0; ; i++) {
      if (this.mainStarted) return;
      if (i < this.held.length) {
        yield this.held[i]!;
        continue;
      }
      const r = this.pull();
      if (r === undefined) return;
      this.held.push(r);
      yield r;
    }
  }

  /**
   * Every record once, for the one main reader: those read ahead (let go as they are handed on), then the
   * rest of the parse; undefined when the main reader has already claimed them.
   */
  claim(): Generator<ParsedRecord> | undefined {
    if (this.mainStarted) return undefined;
    this.mainStarted = true;
    return this.all();
  }

  private *all(): Generator<ParsedRecord> {
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i++) {
      yield held[i]!;
      held[i] = undefined;
    }
    for (let r = this.pull(); r !== undefined; r = this.pull()) yield r;
  }
}

/** A file's parse (as parseFile), to be shared by a look-ahead and the main reader. */
export function sharedParse(path: string, kind: LogKind, ctx: ParseContext, opts: ParseFileOptions = {}): SharedParse {
  const counts = newCounts(path, kind);
  return new SharedParse(counts, parseFile(path, kind, ctx, counts, opts)[Symbol.iterator]());
}
