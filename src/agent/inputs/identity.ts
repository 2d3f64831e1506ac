/**
 * File identity: device + inode plus a fingerprint of the file's first bytes (docs/agent-inputs.md).
 *
 * A path is not an identity: logrotate renames files and creates new ones under the old name. An inode alone
 * is not one either: a deleted file's inode number is handed to the next file created, and copytruncate
 * leaves the same inode with new content while a copy (a new inode) holds the old content. The fingerprint
 * (SHA-256 of the first FINGERPRINT_BYTES bytes, as Filebeat's `fingerprint` file identity) tells a reused
 * inode and a truncated-then-rewritten file from the file we read, and recognises a copy of a file we read.
 */
import { createHash } from 'node:crypto';
import { constants, fstatSync, openSync, readSync } from 'node:fs';

/** How many leading bytes the fingerprint covers (Filebeat's default `fingerprint.length`). */
export const FINGERPRINT_BYTES = 1024;

export interface FileIdentity {
  /** st_dev and st_ino as decimal strings: inode numbers can exceed 2^53 on some file systems */
  dev: string;
  ino: string;
  /** hex SHA-256 of the first `fingerprintBytes` bytes */
  fingerprint: string;
  /** min(file size, FINGERPRINT_BYTES) when the fingerprint was taken: a short file's fingerprint grows */
  fingerprintBytes: number;
}

/** The key checkpoints and open files are kept under; the fingerprint is checked separately. */
export function inodeKey(id: { dev: string; ino: string }): string {
  return `${id.dev}:${id.ino}`;
}

export interface FdStat {
  dev: string;
  ino: string;
  size: number;
  isFile: boolean;
}

export function statFd(fd: number): FdStat {
  const st = fstatSync(fd, { bigint: true });
  return { dev: st.dev.toString(), ino: st.ino.toString(), size: Number(st.size), isFile: st.isFile() };
}

/** Opens for reading without blocking: a FIFO among the logs must not hang the agent (it is then skipped). */
export function openReadOnly(p: string): number {
  return openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
}

/** Up to `bytes` leading bytes of `fd` (fewer when the file is shorter). */
function readHead(fd: number, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  let got = 0;
  while (got < bytes) {
    const n = readSync(fd, buf, got, bytes - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Hash of the first `bytes` bytes of `fd`; undefined when the file is now shorter than that. */
export function fingerprintOf(fd: number, bytes: number): string | undefined {
  const head = readHead(fd, bytes);
  return head.length < bytes ? undefined : sha256(head);
}

/** The identity of the open file `fd` now. */
export function identityOf(fd: number, st: FdStat = statFd(fd)): FileIdentity {
  const head = readHead(fd, Math.min(st.size, FINGERPRINT_BYTES));
  return { dev: st.dev, ino: st.ino, fingerprint: sha256(head), fingerprintBytes: head.length };
}

/**
 * Does the file behind `fd` still start with the bytes `id` fingerprinted? False after a truncation that was
 * followed by new writes (copytruncate), or when the inode now belongs to another file.
 */
export function sameContent(fd: number, id: FileIdentity): boolean {
  return fingerprintOf(fd, id.fingerprintBytes) === id.fingerprint;
}

/** Do `a` and `b` hold the same FINGERPRINT_BYTES bytes just before `end` (true when end is within the head)? */
export function sameTail(a: number, b: number, end: number): boolean {
  if (end <= FINGERPRINT_BYTES) return true;
  const len = FINGERPRINT_BYTES;
  const ba = Buffer.alloc(len);
  const bb = Buffer.alloc(len);
  return readSync(a, ba, 0, len, end - len) === len && readSync(b, bb, 0, len, end - len) === len && ba.equals(bb);
}
