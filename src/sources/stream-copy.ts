/**
 * Streams as inputs: `-` (stdin), pipes, FIFOs and process substitution (`<(journalctl -u mariadb)`).
 * They are copied once to a private temporary file: sniffing (`--kind auto`) reads a file's first
 * lines before parsing it from the start, and every record carries its byte offset, which a stream
 * cannot be re-read for. Records still name the input as the user gave it (`log.file.path`).
 * Compressed files (logrotate's `haproxy.log.2.gz`; zstd, xz, bzip2) are decompressed into such a copy
 * the same way, so `log.offset` counts bytes of the decompressed text.
 * The copies are removed when the process exits.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { gunzipSync } from 'node:zlib';
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

function spoolPath(): string {
  if (dir === undefined) {
    dir = mkdtempSync(path.join(tmpdir(), 'goneaway-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return path.join(dir, `input-${shown.size}`);
}

/** Copies the stream to a temporary file; returns that file's path. */
export function copyStream(p: string): string {
  const dst = spoolPath();
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
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(pause, 0, 0, 5);
          continue;
        }
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

export interface Compression {
  name: string;
  tool: string;
  package: string;
}
const MAGIC: Array<Compression & { bytes: number[] }> = [
  { name: 'gzip', tool: 'gzip', package: 'gzip', bytes: [0x1f, 0x8b] },
  { name: 'zstd', tool: 'zstd', package: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'xz', tool: 'xz', package: 'xz-utils', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'bzip2', tool: 'bzip2', package: 'bzip2', bytes: [0x42, 0x5a, 0x68] }, // "BZh" + block size digit
];

/** The compression of a file, told by its first bytes (names lie: `haproxy.log.1` may be gzip). */
export function compressionOf(p: string): Compression | undefined {
  const head = Buffer.alloc(6);
  let n = 0;
  const fd = openSync(p, 'r');
  try {
    n = readSync(fd, head, 0, 6, 0);
  } finally {
    closeSync(fd);
  }
  for (const m of MAGIC) {
    if (n < m.bytes.length || !m.bytes.every((b, i) => head[i] === b)) continue;
    if (m.name === 'bzip2' && !(n > 3 && head[3]! >= 0x31 && head[3]! <= 0x39)) continue;
    return m;
  }
  return undefined;
}

/**
 * Decompresses into a temporary file with the format's own tool, streaming (`gzip -dc`: Debian's
 * gzip is Essential), so memory stays flat whatever the size. Without the gzip binary, zlib
 * decompresses in memory. Throws with the tool's reason.
 */
export function decompress(p: string, c: Compression): string {
  const dst = spoolPath();
  const out = openSync(dst, 'w');
  try {
    execFileSync(c.tool, ['-dc', '--', p], { stdio: ['ignore', out, 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT' && c.name === 'gzip') writeFileSync(out, gunzipSync(readFileSync(p)));
    else if (err.code === 'ENOENT')
      throw new Error(`${c.name}-compressed, and \`${c.tool}\` is not installed (apt-get install ${c.package})`);
    else if (statSync(dst).size > 0) {
      // a truncated archive (copied while logrotate wrote it): keep the text before the damage, say so
      const kept = statSync(dst).size;
      process.stderr.write(
        `goneaway: warning: ${displayPath(p)}: \`${c.tool} -dc\`: ${err.stderr?.toString().trim().split('\n')[0] || err.message}; reading the ${kept} bytes decompressed before it\n`,
      );
    } else
      throw new Error(
        `${c.name}-compressed, and \`${c.tool} -dc\` failed: ${err.stderr?.toString().trim().split('\n')[0] || err.message}`,
      );
  } finally {
    closeSync(out);
  }
  shown.set(dst, displayPath(p));
  return dst;
}
