/**
 * SIGHUP with a config whose `haproxy.config` cannot be read (issue 14's review: the reload read it after the running
 * pipeline was stopped, and the uncaught ENOENT killed the process). The reload is refused before anything stops:
 * the coded error is logged with its key, value and fix, goneaway_reload_failures_total counts it, and the agent
 * reads on with its old config; a later SIGHUP with the path fixed reloads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { editConfig, haproxyLine, metricSum, spawnAgent, writeConfig } from './agent-process.js';
import { waitFor } from './lab-replay-harness.js';
import { tmp } from './helpers.js';

/** a haproxy.cfg the agent can read: defaults with the timeouts it takes (haproxy.org configuration manual 4.2) */
const HAPROXY_CFG = 'defaults\n  mode tcp\n  timeout client 30m\n  timeout server 30m\n';

test(
  'SIGHUP with an unreadable haproxy.config: the reload is refused, logged with its code and counted; the agent reads on',
  { timeout: 90_000 },
  async () => {
    const dir = tmp('reload-unusable');
    const [hlog, cfgFile] = [path.join(dir, 'haproxy.log'), path.join(dir, 'haproxy.cfg')];
    fs.writeFileSync(hlog, `${haproxyLine(1)}\n`);
    fs.writeFileSync(cfgFile, HAPROXY_CFG);
    const config = writeConfig(dir, {
      timezone: 'UTC',
      haproxy: { files: [hlog], config: cfgFile },
      agent: { state_dir: path.join(dir, 'state'), start_at: 'beginning', http: '127.0.0.1:0' },
    });
    const agent = await spawnAgent(config, dir);
    const read = async () => metricSum(await agent.metrics(), 'goneaway_lines_read_total', { input: 'haproxy' });
    try {
      await waitFor(async () => ((await read()) >= 1 ? true : undefined), 20_000, 'the first line read');
      const missing = path.join(dir, 'gone', 'haproxy.cfg');
      editConfig(config, (c) => (c.haproxy.config = missing));
      agent.proc.kill('SIGHUP');
      const refused = await waitFor(
        async () => agent.log().find((l) => l.msg === 'SIGHUP: the new config cannot be used; keeping the running one'),
        20_000,
        'the refused reload to be logged',
      );
      assert.equal(refused.code, 'GA_ERR_FILE_UNREADABLE');
      assert.equal(refused.key, 'haproxy.config');
      assert.equal(refused.value, missing);
      assert.ok(refused.fix, 'with a fix');
      assert.equal(
        metricSum(await agent.metrics(), 'goneaway_reload_failures_total', { reason: 'config_unusable' }),
        1,
      );
      // still running, on the old config: a line written now is read
      fs.appendFileSync(hlog, `${haproxyLine(2)}\n`);
      await waitFor(async () => ((await read()) >= 2 ? true : undefined), 20_000, 'a line written after the SIGHUP');
      assert.equal(agent.proc.exitCode, null);
      assert.equal(agent.log().filter((l) => l.msg === 'agent restarted').length, 0, 'the old pipeline was kept');

      // fixed: the next SIGHUP reloads
      editConfig(config, (c) => (c.haproxy.config = cfgFile));
      agent.proc.kill('SIGHUP');
      await waitFor(
        async () => (agent.log().some((l) => l.msg === 'agent restarted') ? true : undefined),
        20_000,
        'the reload with the path fixed',
      );
    } finally {
      agent.proc.kill('SIGKILL');
    }
  },
);
