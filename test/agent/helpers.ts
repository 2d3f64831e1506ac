/**
 * A steady writer for the input tests: appends numbered lines at a steady rate and remembers, for every line,
 * the inode and byte offset it was written at, so each record can be checked against what was written
 * (and, for files still there, against the file's bytes at the record's offset).
 */
import {
  closeSync,
  copyFileSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { TailRecord, Tailer } from '../../src/agent/inputs/tailer.js';
import type { CheckpointStore } from '../../src/agent/checkpoints.js';

export const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `ga-${name}-`));

export interface Written {
  ino: string;
  offset: number;
  text: string;
  /** copytruncate: the copy holding this line at the same offset; the original no longer has it */
  copyIno?: string;
  /** the file was deleted: its inode number may belong to another file now */
  deleted?: boolean;
}

export class SteadyWriter {
  readonly written = new Map<string, Written>();
  private fd: number;
  private ino = '';
  private size = 0;
  private n = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    /** a tag unique among the writers of a test, so that texts are unique */
    readonly tag: string,
    private readonly perTick = 5,
    /** the text of line n (default: the tag, n and padding) */
    private readonly lineText = (n: number) => `${tag} line ${String(n).padStart(7, '0')} ${'x'.repeat(20 + (n % 40))}`,
  ) {
    this.fd = this.openLog();
  }

  /** Appends `perTick` lines every `ms` milliseconds until stop(). */
  start(ms = 2): this {
    this.timer = setInterval(() => this.write(this.perTick), ms);
    return this;
  }

  /** Stops writing and closes the file (again: nothing). */
  stop(): void {
    clearInterval(this.timer);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  write(lines: number): void {
    for (let i = 0; i < lines; i++) {
      const text = this.lineText(++this.n);
      const buf = Buffer.from(text + '\n');
      this.written.set(text, { ino: this.ino, offset: this.size, text });
      writeSync(this.fd, buf);
      this.size += buf.length;
    }
  }

  /** Appends bytes that are not one of its numbered lines (bad input); they are not in `written`. */
  writeRaw(buf: Buffer): void {
    writeSync(this.fd, buf);
    this.size += buf.length;
  }

  /** logrotate's default: rename the live file, create a new one (the writer reopens at once). */
  rotateRename(to: string): void {
    renameSync(this.file, to);
    closeSync(this.fd);
    this.fd = this.openLog();
  }

  /** logrotate's copytruncate: copy, then truncate in place; the writer (O_APPEND) goes on at 0. */
  copyTruncate(to: string): void {
    copyFileSync(this.file, to);
    truncateSync(this.file, 0);
    this.size = 0;
    const copyIno = statSync(to, { bigint: true }).ino.toString();
    for (const w of this.written.values()) if (w.ino === this.ino && w.copyIno === undefined) w.copyIno = copyIno;
  }

  deleteRecreate(): void {
    for (const w of this.written.values()) if (w.ino === this.ino) w.deleted = true;
    unlinkSync(this.file);
    closeSync(this.fd);
    this.fd = this.openLog();
  }

  private openLog(): number {
    const fd = openSync(this.file, 'a');
    this.ino = fstatSync(fd, { bigint: true }).ino.toString();
    this.size = fstatSync(fd).size;
    return fd;
  }
}

/** Consumes records (acknowledging each) until every text in `want` was seen or `limitMs` passed. */
export async function collectUntil(
  tailer: Tailer,
  store: CheckpointStore | undefined,
  want: () => Set<string>,
  limitMs = 12_000,
): Promise<TailRecord[]> {
  const got: TailRecord[] = [];
  const seen = new Set<string>();
  const it = tailer.records()[Symbol.asyncIterator]();
  const deadline = Date.now() + limitMs;
  let pending: Promise<IteratorResult<TailRecord>> | undefined;
  for (;;) {
    const target = want();
    if ([...target].every((t) => seen.has(t))) return got;
    pending ??= it.next();
    let timer: NodeJS.Timeout | undefined;
    const tick = new Promise<undefined>((r) => (timer = setTimeout(r, 200, undefined)));
    const next = await Promise.race([pending, tick]);
    clearTimeout(timer);
    if (next === undefined) {
      // a guard against hanging, not a timing assertion: the missing lines are reported by the caller
      if (Date.now() > deadline) return got;
      continue;
    }
    pending = undefined;
    if (next.done) return got;
    got.push(next.value);
    seen.add(next.value.text);
    store?.ack(next.value.identity, next.value.offset);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a condition the test needs before it goes on (not a timing assertion). */
export async function waitFor(cond: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Every written line delivered exactly once, at the inode and offset it was written at; for files still in
 * `dir`, the bytes at the record's offset are the record's text.
 */
export function assertExactlyOnce(records: TailRecord[], written: Map<string, Written>, dir: string): void {
  const count = new Map<string, number>();
  for (const r of records) count.set(r.text, (count.get(r.text) ?? 0) + 1);
  const missing = [...written.keys()].filter((t) => !count.has(t));
  const twice = [...count].filter(([, n]) => n > 1).map(([t]) => t);
  const unknown = [...count.keys()].filter((t) => !written.has(t));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} lines never delivered`);
  assert.deepEqual(twice.slice(0, 5), [], `${twice.length} lines delivered twice`);
  assert.deepEqual(unknown.slice(0, 5), [], `${unknown.length} records that no one wrote`);
  const byIno = filesByInode(dir);
  let checkedOnDisk = 0;
  for (const r of records) {
    const w = written.get(r.text)!;
    const fromCopy = w.copyIno !== undefined && r.identity.ino === w.copyIno;
    assert.ok(fromCopy || r.identity.ino === w.ino, `${r.text}: inode ${r.identity.ino}, written to ${w.ino}`);
    assert.equal(r.offset, w.offset, `${r.text}: offset`);
    // truncated away or deleted since: the writer's record of the offset is the check
    const file = fromCopy ? byIno.get(w.copyIno!) : w.copyIno || w.deleted ? undefined : byIno.get(w.ino);
    if (file === undefined) continue;
    assert.equal(readAt(file, r.offset, Buffer.byteLength(r.text) + 1), r.text + '\n', `${r.text}: bytes on disk`);
    checkedOnDisk++;
  }
  assert.ok(checkedOnDisk > 0, 'no record could be checked against the file');
}

export function filesByInode(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    m.set(statSync(p, { bigint: true }).ino.toString(), p);
  }
  return m;
}

export function readAt(file: string, offset: number, length: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
