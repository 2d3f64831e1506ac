/**
 * What the agent keeps per open input file (its decoder, its source in the merge, where its records are in
 * time), the merge's item, and the tag of a record one of whose lines was cut at agent.max_record_bytes.
 */
import type { SourcedRecord } from '../correlate/record-time.js';
import type { FilePositions } from '../correlate/window.js';
import type { FileDecoder } from '../pipeline/file-decoder.js';
import type { ParsedRecord } from '../pipeline/record.js';
import type { FileIdentity } from './inputs/identity.js';
import type { AgentInput } from './inputs.js';
import type { CutsAhead } from './record-cuts.js';
import { StagedRows } from './staged-rows.js';

export type Merged = SourcedRecord & { time: number; file: OpenFile };
/** what waits in the merge: a record, or the file's staged rows standing for their oldest row (staged-rows.ts) */
export type MergeItem = Merged | StagedRows<OpenFile>;

/** the file offset of a record waiting in the merge */
export const offsetOf = (m: MergeItem | undefined): number | undefined =>
  m instanceof StagedRows ? m.headOffset : m?.rec.offset;

export interface OpenFile {
  key: string;
  identity: FileIdentity;
  input: AgentInput;
  path: string;
  decoder: FileDecoder;
  source: number;
  /** its TCP sessions waiting in the merge, as rows (an HAProxy log's) */
  staged: StagedRows<OpenFile>;
  /** offset past the last line taken (Tailer.caughtUp: the file is quiet only once the agent has all of it) */
  end: number;
  /** its documents' file identity is set (doc-identities.ts): from its first line, not from an empty file */
  named: boolean;
  lastLine: number;
  idle: boolean;
  /** not read for now: the merge is full and records of this file wait in it (pace()) */
  paused: boolean;
  /** records read by kind since the counter was last told (countRecords: once a turn, not once a record) */
  kinds: Map<string, number>;
  /** offsets of lines cut at agent.max_record_bytes whose record is not out yet, ascending */
  cut: number[];
  /** where records were cut at idle before a restart, still to be read (record-cuts.ts) */
  cutsAhead: CutsAhead;
  /**
   * Where its records pushed into the Correlator are in time: the window's hold on this file. Kept per open file,
   * not by path as the Correlator's `heldPositions` does: after a rotation the old and the new file share a path,
   * and an offset of one applied to the other can land a checkpoint in the middle of a line.
   */
  positions: FilePositions;
  /**
   * The offset of its first record pushed into the Correlator since the window's held times were last taken
   * (turn-holds.ts `WindowTake`): those times do not cover it, so it is held until the next take.
   */
  pushedSinceTake: number | undefined;
}

/** the tag of a record one of whose lines was cut at agent.max_record_bytes (Filebeat's `log.flags` value) */
export const TRUNCATED = 'truncated';

/**
 * Whether `rec` holds one of the cut lines (`cut`: their offsets, ascending; those before `rec` are dropped,
 * as the records of a file come out in order): a cut line starts inside the record's text.
 */
export function holdsCut(cut: number[], rec: ParsedRecord): boolean {
  while (cut.length && cut[0]! < rec.offset) cut.shift();
  const end = rec.end;
  let held = false;
  for (; cut.length && cut[0]! <= end; held = true) cut.shift();
  return held;
}
