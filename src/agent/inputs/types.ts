/** What the agent's inputs hand out and take (src/agent/inputs/tailer.ts). */
import type { CheckpointStore } from '../checkpoints.js';
import type { FileIdentity } from './identity.js';
import type { StartReason } from './start-position.js';

export interface TailRecord {
  input: string;
  identity: FileIdentity;
  /** the path the file was first read under (log.file.path), also once it is renamed (TrackedFile.origin) */
  path: string;
  /** byte offset of the line's first byte in the file */
  offset: number;
  /** byte offset just past the line's newline (the next line's offset) */
  end: number;
  /** the line without its newline */
  text: string;
  /** set when the line was longer than max_record_bytes: how many bytes were cut off its end */
  cutBytes?: number;
}

export interface InputSpec {
  name: string;
  /** paths or globs */
  paths: string[];
}

export interface TailerOptions {
  inputs: InputSpec[];
  store: CheckpointStore;
  /** for files already present on the agent's first run (no checkpoints yet); default `end` */
  startAt?: 'beginning' | 'end';
  maxRecordBytes?: number;
  /** bound of the queue between reading and the consumer, in bytes of line text */
  queueMaxBytes?: number;
  /** the same queue's bound in records (lines); default 10,000 */
  queueMaxRecords?: number;
  /** how often globs are expanded again and files looked at without a watch event */
  pollMs?: number;
  /** a renamed-away or deleted file is closed after this long without new bytes */
  closeInactiveMs?: number;
}

export interface FileEvent {
  input: string;
  path: string;
  identity: FileIdentity;
  offset: number;
  reason?: StartReason;
  cutBytes?: number;
}
