/**
 * kill -9 during a steady write, through the whole agent: examples/lab/13_mixed is appended in 150 small
 * rounds ~40 ms apart (every file a few lines each round, as on a live host, multi-line records split
 * across rounds), and the agent is killed with SIGKILL three times at random moments and restarted from
 * its checkpoints. Every record batch `parse` gives must be stored once, and the verdicts must be batch
 * `correlate`'s — what an uninterrupted run gives (replay-lab-equals-batch.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signalled, skipWithoutStub as skip, sleep, spawnAgent } from './agent-process.js';
import { assertLabLikeBatch, withLab } from './lab-records.js';
import { exited, replay } from './lab-replay-harness.js';

test(
  'killed with SIGKILL at random moments during a steady write: every record once, the verdicts of an uninterrupted run',
  { skip },
  () =>
    withLab({}, async (env) => {
      const { sc } = env;
      const writing = replay(sc, 150, () => 40);
      for (let k = 0; k < 3; k++) {
        await sleep(800 + Math.floor(Math.random() * 1500));
        env.agent.proc.kill('SIGKILL');
        await exited(env.agent.proc, 5000);
        env.agent = await spawnAgent(sc.config, sc.dir);
      }
      await writing;
      await assertLabLikeBatch(env);
      assert.equal((await signalled(env.agent.proc, 'SIGTERM')).code, 0);
    }),
);
