/**
 * Buffered synchronous output to stdout or a file. Writes are batched (64 KiB) so that
 * NDJSON output of millions of records costs one syscall per batch, not per record.
 * stdout on Linux is synchronous for files and pipes (Node docs, "A note on process I/O").
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { GoneawayError } from '../errors.js';

export interface Output {
  write(s: string): void;
  close(): void;
  readonly isTTY: boolean;
}

const BATCH = 64 * 1024;

export function openOutput(path: string | undefined): Output {
  let fd: number | undefined;
  if (path !== undefined && path !== '-') {
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw new GoneawayError('GA_ERR_OUTPUT', `cannot write ${path}: ${(e as Error).message}`, { key: '--out', value: path, fix: 'give a writable path (its directory must exist)' });
    }
  }
  let buf: string[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const s = buf.join('');
    buf = [];
    size = 0;
    if (fd !== undefined) writeSync(fd, s);
    else process.stdout.write(s);
  };
  return {
    isTTY: fd === undefined && Boolean(process.stdout.isTTY),
    write(s: string) {
      buf.push(s);
      size += s.length;
      if (size >= BATCH) flush();
    },
    close() {
      flush();
      if (fd !== undefined) closeSync(fd);
    },
  };
}
