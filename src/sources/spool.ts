/**
 * Streams as inputs: `-` (stdin), pipes, FIFOs and process substitution (`<(journalctl -u mariadb)`).
 * They are copied once to a private temporary file: sniffing (`--kind auto`) reads a file's first
 * lines before parsing it from the start, and every record carries its byte offset, which a stream
 * cannot be re-read for. Records still name the input as the user gave it (`log.file.path`).
 * The copies are removed when the process exits.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const shown = new Map<string, string>();
let dir: string | undefined;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Is `p` something to spool rather than read in place? */
export function isStream(p: string): boolean {
  if (p === '-') return true;
  try {
    const st = statSync(p);
    return st.isFIFO() || st.isSocket() || (st.isCharacterDevice() && p !== '/dev/null');
  } catch {
    return false;
  }
}

/** Copies the stream to a temporary file; returns that file's path. */
export function spool(p: string): string {
  if (dir === undefined) {
    dir = mkdtempSync(path.join(tmpdir(), 'goneaway-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  const dst = path.join(dir, `input-${shown.size}`);
  const out = openSync(dst, 'w');
  const src = p === '-' ? 0 : openSync(p, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(src, buf, 0, buf.length, null);
      } catch (e) {
        // a non-blocking stdin (shared with a terminal or another reader): wait and retry
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(pause, 0, 0, 5); continue; }
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw e;
      }
      if (n === 0) break;
      writeSync(out, buf, 0, n);
    }
  } finally {
    closeSync(out);
    if (src !== 0) closeSync(src);
  }
  shown.set(dst, p === '-' ? 'stdin' : p);
  return dst;
}

/** The name a record reports for the file it came from (the user's name for spooled streams). */
export function displayPath(p: string): string {
  return shown.get(p) ?? p;
}
