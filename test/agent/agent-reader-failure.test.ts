/**
 * The tailer fails (issue 14's review: the failure closed its queue, the agent's loop ended, and the process went
 * on running doing nothing, /healthz 503 for good, so systemd never restarted it). Now the agent checkpoints what
 * was acknowledged and exits non-zero with GA_ERR_AGENT_FAILED, for Restart=on-failure to start it again.
 *
 * No file system fault makes the tailer's loop itself fail on demand (a file it cannot read is a warning: see
 * agent-unreadable-input.test.ts), so the agent is started with a preloaded module (`node --import`) that makes
 * the tailer's scan throw once a trigger file exists: the failure path after it is the real one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { haproxyLine, metricSum, spawnAgent, writeConfig, type AgentProcess } from './agent-process.js';
import { exited, waitFor } from './lab-replay-harness.js';
import { tmp } from './helpers.js';

const TAILER = new URL('../../src/agent/inputs/tailer.js', import.meta.url).href;

test(
  'the tailer fails: the agent checkpoints what was acknowledged and exits non-zero with GA_ERR_AGENT_FAILED',
  { timeout: 60_000 },
  async () => {
    const dir = tmp('reader-failure');
    const [hlog, state, trigger] = ['haproxy.log', 'state', 'FAIL'].map((f) => path.join(dir, f)) as [
      string,
      string,
      string,
    ];
    const preload = path.join(dir, 'fail-tailer.mjs');
    fs.writeFileSync(
      preload,
      `import { existsSync } from 'node:fs';\nimport { Tailer } from ${JSON.stringify(TAILER)};\n` +
        `const scan = Tailer.prototype.scan;\nTailer.prototype.scan = function () {\n` +
        `  if (existsSync(${JSON.stringify(trigger)})) throw new Error('simulated reader failure');\n` +
        `  return scan.call(this);\n};\n`,
    );
    const lines = [haproxyLine(1), haproxyLine(2)];
    fs.writeFileSync(hlog, lines.map((l) => l + '\n').join(''));
    const config = writeConfig(dir, {
      timezone: 'UTC',
      haproxy: { files: [hlog] },
      agent: { state_dir: state, start_at: 'beginning', http: '127.0.0.1:0' },
    });
    const options = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${options ?? ''} --import=${pathToFileURL(preload).href}`.trim();
    // the patch is of the compiled tailer module: after `npm run build` the CLI would run the bundle instead
    process.env.GONEAWAY_NO_BUNDLE = '1';
    let agent: AgentProcess;
    try {
      agent = await spawnAgent(config, dir);
    } finally {
      delete process.env.GONEAWAY_NO_BUNDLE;
      if (options === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = options;
    }
    try {
      await waitFor(
        async () =>
          metricSum(await agent.metrics(), 'goneaway_bulk_items_total', { outcome: 'indexed' }) >= 2 ? true : undefined,
        20_000,
        'the two records indexed',
      );
      fs.writeFileSync(trigger, '');
      const code = await exited(agent.proc, 20_000);
      assert.notEqual(code, 'timeout', 'the agent exits');
      assert.equal(code, 2, 'with the status of a coded error');
      const fatal = agent.log().find((l) => l.code === 'GA_ERR_AGENT_FAILED');
      assert.ok(fatal, 'the coded error is logged');
      assert.match(String(fatal.err), /simulated reader failure/);
      // what was acknowledged was written out and the checkpoints saved before the exit
      const out = fs
        .readdirSync(path.join(state, 'out'))
        .map((f) => fs.readFileSync(path.join(state, 'out', f), 'utf8'))
        .join('');
      for (const l of lines) assert.ok(out.includes(JSON.stringify(l).slice(1, -1)), `${l.slice(0, 40)}… written`);
      assert.ok(fs.existsSync(path.join(state, 'checkpoints.json')), 'checkpoints saved');
    } finally {
      agent.proc.kill('SIGKILL');
    }
  },
);
