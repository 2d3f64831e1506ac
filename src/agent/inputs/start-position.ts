/**
 * Where reading of a newly seen file starts, and where the rest of a rotated file is found
 * (docs/agent-inputs.md):
 * - its inode has a checkpoint whose fingerprint still matches: resume there (a restart);
 * - its first FINGERPRINT_BYTES bytes are those of a file already read (a copy made by copytruncate, or a
 *   file renamed and then copied): continue at the position reached in the original;
 * - on the agent's first run (no checkpoints yet), a file already present starts at `agent.start_at`
 *   (`end`: after its last complete line, so a line being written is read whole);
 * - otherwise (a file that appeared later, a reused inode): from the beginning.
 */
import { closeSync, readSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Checkpoint, CheckpointStore } from '../checkpoints.js';
import { FINGERPRINT_BYTES, fingerprintOf, inodeKey, openReadOnly, statFd, type FileIdentity } from './identity.js';

export type StartReason = 'checkpoint' | 'copy' | 'end' | 'beginning' | 'reused-inode';

export interface StartAt {
  offset: number;
  reason: StartReason;
}

/** Where a file's content was read up to, by the fingerprint of its first bytes. */
export type ReadPositions = Map<string, { offset: number; path: string }>;

/**
 * Is `candidate` named like a rotated copy of `original` (same directory, name extending it:
 * haproxy.log.1, haproxy.log-20261206)? Two logs can share their first 1 KiB (a long banner): only a file
 * named like a copy is taken for one, so a different log is never started in its middle.
 */
export function namedLikeCopy(candidate: string, original: string): boolean {
  return (
    path.dirname(candidate) === path.dirname(original) &&
    path.basename(candidate).startsWith(path.basename(original)) &&
    candidate !== original
  );
}

export function startPosition(
  filePath: string,
  fd: number,
  id: FileIdentity,
  size: number,
  store: CheckpointStore,
  copiedFrom: ReadPositions,
  initial: 'beginning' | 'end' | undefined,
): StartAt {
  const cp = store.get(id);
  if (cp && cp.offset <= size && fingerprintOf(fd, cp.fingerprintBytes) === cp.fingerprint) {
    return { offset: cp.offset, reason: 'checkpoint' };
  }
  const copied = id.fingerprintBytes === FINGERPRINT_BYTES ? copiedFrom.get(id.fingerprint) : undefined;
  if (copied && namedLikeCopy(filePath, copied.path)) return { offset: Math.min(copied.offset, size), reason: 'copy' };
  if (cp) return { offset: 0, reason: 'reused-inode' };
  if (initial === 'end') return { offset: endOfLastLine(fd, size), reason: 'end' };
  return { offset: 0, reason: 'beginning' };
}

/** Positions reached in files by full fingerprint, from the checkpoints (a copy's original read before). */
export function positionsByContent(checkpoints: readonly Checkpoint[]): ReadPositions {
  const m: ReadPositions = new Map();
  for (const cp of checkpoints) {
    if (cp.fingerprintBytes === FINGERPRINT_BYTES) m.set(cp.fingerprint, { offset: cp.offset, path: cp.path });
  }
  return m;
}

const TAIL_SCAN = 64 * 1024;

/** Just past the last '\n' in the last 64 KiB (0 for a file without one that short; else the end). */
export function endOfLastLine(fd: number, size: number): number {
  const len = Math.min(size, TAIL_SCAN);
  const buf = Buffer.alloc(len);
  const n = readSync(fd, buf, 0, len, size - len);
  const nl = buf.subarray(0, n).lastIndexOf(10);
  if (nl >= 0) return size - len + nl + 1;
  return size <= TAIL_SCAN ? 0 : size;
}

export interface Found {
  fd: number;
  path: string;
  size: number;
}

/**
 * Looks in the directory of `file` for another file whose first bytes hash to `fingerprint` (the copy
 * copytruncate made before truncating `file`) or that is the inode `want` (renamed while the agent was
 * stopped), and is longer than `from`. The caller owns the returned descriptor.
 */
export function findInDir(
  file: string,
  want: { fingerprint: string; fingerprintBytes: number; dev?: string; ino?: string },
  from: number,
  skip: ReadonlySet<string>,
): Found | undefined {
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const base = path.basename(file);
  // logrotate names the old file after the live one (haproxy.log.1, haproxy.log-20261206): try those first
  names.sort((a, b) => Number(!a.startsWith(base)) - Number(!b.startsWith(base)));
  for (const name of names) {
    const p = path.join(dir, name);
    let fd: number;
    try {
      fd = openReadOnly(p);
    } catch {
      continue;
    }
    let found = false;
    try {
      const st = statFd(fd);
      const key = inodeKey(st);
      // by inode: any name (renamed while stopped); by content: only a name like a rotated copy's
      const sameInode = want.ino === undefined ? namedLikeCopy(p, file) : st.dev === want.dev && st.ino === want.ino;
      found =
        st.isFile &&
        !skip.has(key) &&
        sameInode &&
        st.size > from &&
        fingerprintOf(fd, want.fingerprintBytes) === want.fingerprint;
      if (found) return { fd, path: p, size: st.size };
    } catch {
      // a directory, a socket, or a file gone meanwhile
    } finally {
      if (!found) closeSync(fd);
    }
  }
  return undefined;
}
