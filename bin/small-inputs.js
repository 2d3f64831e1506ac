// Used by goneaway.js before it re-spawns itself: node built-ins only, so that the first process stays small.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Whether `correlate`'s inputs are too small for its heap to come near the limit, so that the re-spawn (a second
 * node process, ~0.05-0.08 CPU-s) is skipped. Every argument that names a plain regular file (whole, or after the
 * `SERVER=`/`CLIENTS=` of its value) counts with its size; a config file (it names more files), a stream, or a
 * compressed file (its expanded size is unknown) keeps the re-spawn. Peak RSS without the limit / with it
 * (docs/performance.md "Start-up"): tcplog files of 31 MB 150/178 MB, of 77 MB 192/195 MB; the bench's correlated
 * sets (all logs) of 39 MB 251/263 MB, of 78 MB 321/286 MB, of 98 MB 364/295 MB: from ~80 MB the limit pays.
 */
export function smallInputs(args) {
  const MAX_BYTES = 80 * 1024 * 1024;
  let total = 0;
  for (const a of args) {
    if (a === '--config' || a.startsWith('--config=') || a === '-' || a.endsWith('=-')) return false;
    const eq = a.indexOf('=');
    for (const p of eq > 0 ? [a, a.slice(eq + 1)] : [a]) {
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) continue;
      if (!st.isFile() || !plainText(p)) return false;
      total += st.size;
      if (total > MAX_BYTES) return false;
      break;
    }
  }
  return true;
}

/**
 * A file's first bytes are text, i.e. it is not compressed: gzip, xz, zstd and lz4 magics hold a non-ASCII or
 * control byte in their first four; bzip2's is "BZh" and a digit (src/sources/stream-copy.ts MAGIC)
 */
function plainText(p) {
  const head = Buffer.alloc(4);
  const fd = openSync(p, 'r');
  let n;
  try {
    n = readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  const b = head.subarray(0, n);
  if (/^BZh[1-9]/.test(b.toString('latin1'))) return false;
  return b.every((c) => c < 0x80 && (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d));
}
