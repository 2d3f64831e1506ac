/**
 * One agent per `agent.state_dir`: two would interleave their checkpoints, spool segments and document
 * identities. The agent holds `agent.lock` in the state dir while it runs — created with `wx` (O_CREAT|O_EXCL:
 * exactly one creator wins), holding its PID, its start time and the kernel's start tick of that PID — and removes
 * it when it stops. A lock whose process is gone (`kill -9`, a crash, a reboot) is stale and taken over: an
 * agent killed hard is restarted by systemd at once and must not wait for anyone. Why a PID file and not
 * proper-lockfile (an mkdir lock judged stale by an mtime it refreshes on a timer): docs/agent-inputs.md
 * "One agent per state dir".
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GoneawayError } from '../errors.js';
import { makeDirs } from '../make-dirs.js';

export const LOCK_FILE = 'agent.lock';

/** what the lock file holds (JSON) */
export interface LockHolder {
  pid: number;
  /** ISO time the agent took the lock */
  started: string;
  /** field 22 of /proc/PID/stat (clock ticks since boot) when it took it: a PID reused later has another */
  procStart?: string;
  /** the boot the lock was taken in (/proc/sys/kernel/random/boot_id): after a reboot every lock is stale */
  boot?: string;
}

export interface StateLock {
  file: string;
  holder: LockHolder;
  /** who held the stale lock taken over, if one was */
  tookOver?: LockHolder;
  /** removes the lock if it is still this process's (idempotent; safe in an 'exit' handler) */
  release(): void;
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** the kernel's start time of a process, on Linux; undefined where /proc is not there */
function procStart(pid: number): string | undefined {
  const stat = read(`/proc/${pid}/stat`);
  // the command name (field 2) is in parentheses and may hold spaces: count the fields after its last ')'
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

const bootId = () => read('/proc/sys/kernel/random/boot_id')?.trim();

export function parseHolder(text: string | undefined): LockHolder | undefined {
  try {
    const h = JSON.parse(text ?? '') as LockHolder;
    return Number.isInteger(h.pid) && h.pid > 0 ? h : undefined;
  } catch {
    return undefined;
  }
}

/** whether the process that wrote `h` still runs: its PID is alive, in the same boot, started at the same tick */
export function holderAlive(h: LockHolder): boolean {
  if (h.boot !== undefined && bootId() !== undefined && h.boot !== bootId()) return false;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    // EPERM: it exists, under another user
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStart(h.pid);
  return h.procStart === undefined || now === undefined || now === h.procStart;
}

/** the running agent holding `dir`'s lock, if one does (for `goneaway validate`) */
export function lockHolder(dir: string): LockHolder | undefined {
  const h = parseHolder(read(path.join(path.resolve(dir), LOCK_FILE)));
  return h && holderAlive(h) ? h : undefined;
}

export function lockedError(dir: string, h: LockHolder): GoneawayError {
  return new GoneawayError(
    'GA_ERR_STATE_DIR_LOCKED',
    `agent.state_dir ${path.resolve(dir)} is in use by another goneaway agent (PID ${h.pid}, started ${h.started})`,
    {
      key: 'agent.state_dir',
      value: dir,
      fix:
        `stop that agent first (kill -TERM ${h.pid}, or systemctl stop goneaway), or give this one its own ` +
        'agent.state_dir: two agents on one directory would interleave checkpoints and spool',
    },
  );
}

/**
 * Takes `dir`'s lock (creating the directory), taking over a stale one; throws GA_ERR_STATE_DIR_LOCKED when a
 * live agent holds it, GA_ERR_STATE_DIR when the directory cannot be written.
 */
export function acquireStateLock(dir: string): StateLock {
  const file = path.join(path.resolve(dir), LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    started: new Date().toISOString(),
    procStart: procStart(process.pid),
    boot: bootId(),
  };
  const text = JSON.stringify(holder) + '\n';
  let tookOver: LockHolder | undefined;
  try {
    makeDirs(path.dirname(file));
    // a few rounds: another agent may take the same stale lock over between our reading and our creating
    for (let round = 0; ; round++) {
      try {
        writeFileSync(file, text, { flag: 'wx' });
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || round >= 3) throw e;
      }
      const seen = read(file);
      if (seen === undefined) continue; // removed meanwhile: create it again
      const h = parseHolder(seen);
      // an unreadable lock is one whose writer died between creating and writing it: stale too
      if (h && holderAlive(h)) throw lockedError(dir, h);
      takeOver(file, seen);
      tookOver = h ?? { pid: 0, started: 'unknown (empty or torn lock file)' };
    }
  } catch (e) {
    if (e instanceof GoneawayError) throw e;
    throw new GoneawayError('GA_ERR_STATE_DIR', `agent.state_dir ${dir}: cannot create ${file}: ${String(e)}`, {
      key: 'agent.state_dir',
      value: dir,
      fix: 'give a directory the agent can create and write (e.g. /var/lib/goneaway, owned by its user)',
      cause: e,
    });
  }
  let released = false;
  return {
    file,
    holder,
    tookOver,
    release() {
      if (released) return;
      released = true;
      // only our own: a lock someone took over (they judged us dead) is theirs now
      if (read(file) === text) unlinkSync(file);
    },
  };
}

/**
 * Removes the stale lock `seen` without removing a live one another agent created meanwhile: the file is first
 * moved aside (atomic), and if what was moved is not what was judged stale it is linked back (link fails rather
 * than replace a lock created since).
 */
function takeOver(file: string, seen: string): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it: race for it again
    throw e;
  }
  if (read(aside) !== seen) {
    try {
      linkSync(aside, file);
    } catch {
      // a third agent created one meanwhile: the one we moved lost its file, and that agent holds the dir
    }
  }
  unlinkSync(aside);
}
