/**
 * One agent per `agent.state_dir` (src/agent/state-lock.ts, README "The agent"): a second agent on the same
 * directory is refused at once with GA_ERR_STATE_DIR_LOCKED naming the key, the directory, the PID holding it
 * and the fix, and `goneaway validate --config` says the same; a lock left by `kill -9` is taken over (and
 * logged); SIGTERM removes the lock. Real processes through bin/goneaway.js, writing to the `_bulk` files under
 * the state dir (no output.elasticsearch: no stand-in needed). The lock's own rules are tested in-process first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { acquireStateLock, LOCK_FILE, parseHolder } from '../../src/agent/state-lock.js';
import { isGoneawayError } from '../../src/errors.js';
import { BIN } from '../cli/paths.js';
import { signalled, spawnAgent, writeConfig } from './agent-process.js';
import { tmp } from './helpers.js';
import { exited } from './lab-replay-harness.js';

const lockOf = (state: string) => parseHolder(fs.readFileSync(path.join(state, LOCK_FILE), 'utf8'))!;

/** a PID that was alive and is not any more: a child that has exited and been reaped */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

test('the lock is exclusive within the machine: a second take while held is GA_ERR_STATE_DIR_LOCKED naming the holder', () => {
  const state = path.join(tmp('lock-excl'), 'state');
  const held = acquireStateLock(state);
  try {
    assert.equal(lockOf(state).pid, process.pid);
    assert.throws(
      () => acquireStateLock(state),
      (e) =>
        isGoneawayError(e) &&
        e.code === 'GA_ERR_STATE_DIR_LOCKED' &&
        e.key === 'agent.state_dir' &&
        e.value === state &&
        e.message.includes(`PID ${process.pid}`) &&
        /stop that agent/.test(e.fix ?? ''),
    );
  } finally {
    held.release();
  }
  assert.equal(fs.existsSync(path.join(state, LOCK_FILE)), false, 'released: the file is gone');
  acquireStateLock(state).release(); // and it can be taken again
});

test('stale locks are taken over: a dead PID, a reused PID (another start tick or boot), an empty file', () => {
  const state = path.join(tmp('lock-stale'), 'state');
  fs.mkdirSync(state);
  const file = path.join(state, LOCK_FILE);
  const dead = { pid: deadPid(), started: '2026-12-06T00:00:00.000Z' };
  const cases: Array<[string, string]> = [
    ['dead pid', JSON.stringify(dead)],
    // this very process's PID, as if recorded by an earlier process that had it: another start tick
    ['pid reused', JSON.stringify({ pid: process.pid, started: dead.started, procStart: '1' })],
    ['another boot', JSON.stringify({ pid: process.pid, started: dead.started, boot: 'not-this-boot' })],
    ['empty', ''],
  ];
  for (const [what, text] of cases) {
    if (what !== 'dead pid' && !fs.existsSync('/proc/self/stat')) continue; // the start tick and boot are Linux's
    fs.writeFileSync(file, text);
    const lock = acquireStateLock(state);
    assert.ok(lock.tookOver, `${what}: taken over`);
    assert.equal(lockOf(state).pid, process.pid, what);
    assert.deepEqual(
      fs.readdirSync(state).filter((f) => f !== LOCK_FILE),
      [],
      `${what}: nothing left aside`,
    );
    lock.release();
  }
});

test('a release does not remove a lock that is not its own any more', () => {
  const state = path.join(tmp('lock-own'), 'state');
  const lock = acquireStateLock(state);
  const other = JSON.stringify({ pid: 1, started: 'x' });
  fs.writeFileSync(lock.file, other); // another agent took it over (it judged this one dead)
  lock.release();
  assert.equal(fs.readFileSync(lock.file, 'utf8'), other);
});

/** `goneaway ARGS` to its exit: code and stderr */
async function run(args: string[], cwd: string): Promise<{ code: number | null | 'timeout'; stderr: string }> {
  const p = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await exited(p, 20_000);
  if (code === 'timeout') p.kill('SIGKILL');
  return { code, stderr };
}

test(
  'a second agent on a state dir in use is refused at once, validate says so too; after kill -9 the lock is taken over; SIGTERM removes it',
  { timeout: 120_000 },
  async () => {
    const dir = tmp('agent-lock');
    const state = path.join(dir, 'state');
    const log = path.join(dir, 'haproxy.log');
    fs.writeFileSync(log, '');
    const config = writeConfig(dir, {
      haproxy: { files: [log] },
      agent: { state_dir: state, start_at: 'beginning', http: '127.0.0.1:0' },
    });
    const first = await spawnAgent(config, dir);
    let last = first;
    try {
      const holder = lockOf(state);
      // the lock names the agent process (bin/goneaway.js runs it in-process unless GONEAWAY_AGENT_HEAP_MB is set)
      assert.ok(process.kill(holder.pid, 0), 'the lock holds a live PID');

      const second = await run(['agent', '--config', config], dir);
      assert.equal(second.code, 2, second.stderr);
      const line = second.stderr.split('\n').find((l) => l.includes('GA_ERR_STATE_DIR_LOCKED:')) ?? '';
      assert.match(line, new RegExp(`PID ${holder.pid}\\b`));
      assert.ok(line.includes(`[agent.state_dir=${JSON.stringify(state)}]`), line);
      assert.match(line, /fix: stop that agent first/);
      assert.equal(lockOf(state).pid, holder.pid, 'the refused agent left the lock alone');
      assert.ok(first.proc.exitCode === null, 'the first agent runs on');

      const validate = await run(['validate', '--config', config], dir);
      assert.equal(validate.code, 3, validate.stderr);
      assert.match(validate.stderr, new RegExp(`GA_ERR_STATE_DIR_LOCKED: .*PID ${holder.pid}\\b.*agent\\.state_dir`));

      first.proc.kill('SIGKILL');
      await exited(first.proc, 10_000);
      assert.equal(lockOf(state).pid, holder.pid, 'kill -9 leaves the lock behind');
      const third = await spawnAgent(config, dir);
      last = third;
      const took = third.log().find((l) => l.msg === 'took over the state dir lock of an agent no longer running');
      assert.ok(took, 'the take-over is logged');
      assert.equal((took.stale as { pid: number }).pid, holder.pid);
      assert.notEqual(lockOf(state).pid, holder.pid);

      // at once, as it listens: the pipeline may still be starting (the signal waits for the start, then stops it)
      const stop = await signalled(third.proc, 'SIGTERM');
      assert.equal(stop.code, 0);
      assert.equal(fs.existsSync(path.join(state, LOCK_FILE)), false, 'SIGTERM removed the lock');
      const after = await run(['validate', '--config', config], dir);
      assert.doesNotMatch(after.stderr, /GA_ERR_STATE_DIR_LOCKED/);
    } finally {
      first.proc.kill('SIGKILL');
      last.proc.kill('SIGKILL');
    }
  },
);
