/**
 * A pooled MySQL connection older than the correlation window (test/correlate/scenario-long-thread.ts: threads 5
 * and 6 connected three hours before they die of wait_timeout) holds no checkpoint back to its Connect line, and
 * after `kill -9` the agent still maps their sessions to them: the facts the checkpoint no longer makes it read
 * again are saved beside the positions (src/agent/checkpoints-window.ts, docs/correlator.md "Held positions").
 * Killed after the first of them ended: its HAProxy session, accepted three hours before, is in the window, but the
 * checkpoint is past its accept second (held.ts holds no bucket older than the last trim): the restart reads the
 * session again from its end, which makes that second's bucket again, and must map it to thread 5 as before. (This
 * checks the restart, not the hold: once the agent idles, a trim drops the bucket with or without held.ts's rule —
 * test/correlate/held-positions.test.ts checks the hold.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { ga } from '../correlate/scenario.js';
import { DEAD5, HORIZON, IDLE_FROM, incident } from '../correlate/scenario-long-thread.js';
import type { Doc } from '../../parsers/types.js';
import { checkpoints, skipWithoutStub as skip, spawnAgent, withAgent } from './agent-process.js';
import { exited, verdicts, waitFor } from './lab-replay-harness.js';

type Line = { t: number; line: string };
const sorted = (l: Line[]) => [...l].sort((a, b) => a.t - b.t);
const text = (l: Line[]) => l.map((x) => x.line + '\n').join('');

/** what a verdict says of the thread behind it, and the lines it rests on (paths differ between the runs) */
const gist = (e: Doc) => ({
  cause: ga(e).cause,
  why: ga(e).why,
  mysql: e.mysql,
  evidence: (ga(e).evidence as Doc[]).map((x) => ({ kind: x.kind, offset: x.offset, text: x.text })),
});

/**
 * The agent reads the lines up to `stop`, is killed with SIGKILL once the general and HAProxy logs are checkpointed
 * near their ends, then restarts on the whole files: its app error's verdict is the uninterrupted run's.
 */
function killedAt(stop: number): () => Promise<void> {
  return () => {
    const inc = incident();
    // the verdicts of an uninterrupted run at the agent's defaults (clock_skew 1 s)
    const whole = inc.run({ skew: 1000 }).events;
    assert.equal(whole.length, 2, 'an app error and a connection event');
    for (const e of whole) assert.ok((e.mysql as Doc).thread_id !== undefined, 'each mapped to its long thread');
    const files = {
      haproxy: sorted(inc.haproxy),
      general: sorted(inc.general.replica1!),
      error: sorted(inc.errors.replica1!),
      app: sorted(inc.php),
    };
    return withAgent(
      'agent-long-thread',
      (dir) => ({
        haproxy: { files: [path.join(dir, 'haproxy.log')] },
        mysql: {
          instances: [
            {
              server: 'replica1',
              general_log: path.join(dir, 'general.log'),
              error_log: path.join(dir, 'error.log'),
            },
          ],
        },
        app: { files: [path.join(dir, 'app-php.log')] },
      }),
      async (env) => {
        const p = (name: string) => path.join(env.dir, name);
        const names = { haproxy: 'haproxy.log', general: 'general.log', error: 'error.log', app: 'app-php.log' };
        for (const [k, l] of Object.entries(files))
          fs.writeFileSync(p(names[k as keyof typeof names]), text(l.filter((x) => x.t <= stop)));
        // the positions move up to the window's reach: the general log is not held at thread 5's Connect (0)
        const last = Math.max(...Object.values(files).flatMap((l) => l.filter((x) => x.t <= stop).map((x) => x.t)));
        const reach = (l: Line[]) => Buffer.byteLength(text(l.filter((x) => x.t < last - 2 * HORIZON - 20_000)));
        const moved = () => {
          try {
            const cp = checkpoints(env.state);
            const g = cp.get(p('general.log')),
              h = cp.get(p('haproxy.log'));
            return g !== undefined && h !== undefined && g >= reach(files.general) && h >= reach(files.haproxy)
              ? true
              : undefined;
          } catch {
            return undefined; // not written yet
          }
        };
        await waitFor(async () => moved(), 60_000, 'the general and HAProxy logs checkpointed near their ends');
        const saved = JSON.parse(fs.readFileSync(path.join(env.state, 'checkpoints.json'), 'utf8')) as Doc;
        const threads = ((saved.attached as Doc).window as Doc).instances as Doc[];
        assert.deepEqual(
          (threads[0]!.threads as Doc[]).map((t) => t.id).sort(),
          [5, 6],
          'the two long threads are saved with the positions',
        );
        env.agent.proc.kill('SIGKILL');
        await exited(env.agent.proc, 5000);

        for (const [k, l] of Object.entries(files))
          fs.appendFileSync(p(names[k as keyof typeof names]), text(l.filter((x) => x.t > stop)));
        env.agent = await spawnAgent(env.config, env.dir);
        // (the connection event of thread 6 waits in the left window for a late error: docs/correlator.md)
        const appError = async () => (await verdicts(env.stub)).find((d: Doc) => ga(d).kind === 'app_error');
        const got = await waitFor(appError, 90_000, "the app error's verdict");
        const want = whole.find((e) => ga(e).kind === 'app_error')!;
        assert.deepEqual(gist(got as Doc), gist(want), 'the verdict of an uninterrupted run');
      },
    );
  };
}

test(
  'killed with SIGKILL while a connection older than the window is idle, the agent restarts with its thread',
  { skip, timeout: 180_000 },
  killedAt(IDLE_FROM + 300_000), // both threads idle, 5 minutes before the first dies
);

test(
  'killed with SIGKILL after a session accepted three hours before ended, the agent restarts with the same verdict',
  { skip, timeout: 180_000 },
  killedAt(DEAD5 + 20_000), // its session has ended, its app error is not written yet
);
