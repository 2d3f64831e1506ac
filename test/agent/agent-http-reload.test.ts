/**
 * `agent.http` through the whole agent (README "The agent", docs/agent-inputs.md "The HTTP endpoint on reload
 * and at start"): a SIGHUP that changes it moves /metrics and /healthz to the new address — bound first, the old
 * one closed after —; one whose address another process holds leaves the agent on the old address, logged and
 * counted in goneaway_reload_failures_total{reason="http"}, running and reloading its inputs; at start, and in
 * `goneaway validate --config`, an address in use is GA_ERR_HTTP_ADDRESS naming key, value and fix.
 * Real processes through bin/goneaway.js, writing `_bulk` files under the state dir (no output.elasticsearch).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { LOCK_FILE } from '../../src/agent/state-lock.js';
import { BIN } from '../cli/paths.js';
import { editConfig, metricSum, parseMetrics, signalled, spawnAgent, writeConfig } from './agent-process.js';
import { tmp } from './helpers.js';
import { exited, freePort, waitFor } from './lab-replay-harness.js';

/** the agent's /metrics on `port`, or undefined if nothing answers there */
async function metricsAt(port: number): Promise<Map<string, number> | undefined> {
  try {
    return parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  } catch {
    return undefined;
  }
}

/** a plain TCP listener standing for "another process" on a port */
async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

function agentConfig(dir: string, http: string): string {
  const log = path.join(dir, 'haproxy.log');
  if (!fs.existsSync(log)) fs.writeFileSync(log, '');
  return writeConfig(dir, {
    haproxy: { files: [log] },
    agent: { state_dir: path.join(dir, 'state'), start_at: 'beginning', http },
  });
}

test(
  'SIGHUP moving agent.http: the new address answers, the old is closed; to an address in use: the old one stays, the failure is logged and counted, the agent runs on',
  { timeout: 120_000 },
  async () => {
    const dir = tmp('agent-http-hup');
    const [p1, p2] = [await freePort(), await freePort()];
    const config = agentConfig(dir, `127.0.0.1:${p1}`);
    const agent = await spawnAgent(config, dir);
    const taken = await occupy();
    try {
      await waitFor(
        async () => (agent.log().some((l) => l.msg === 'agent started') ? true : undefined),
        20_000,
        'start',
      );
      assert.ok(await metricsAt(p1), 'answers on the first address');

      editConfig(config, (c) => (c.agent.http = `127.0.0.1:${p2}`));
      agent.proc.kill('SIGHUP');
      await waitFor(async () => ((await metricsAt(p2)) ? true : undefined), 20_000, 'the new address to answer');
      await waitFor(async () => ((await metricsAt(p1)) ? undefined : true), 20_000, 'the old address to close');
      assert.ok(
        agent.log().some((l) => l.msg === 'listening' && l.http === `127.0.0.1:${p2}`),
        'the move is logged',
      );

      const restarts = () => agent.log().filter((l) => l.msg === 'agent restarted').length;
      const before = restarts();
      editConfig(config, (c) => (c.agent.http = `127.0.0.1:${taken.port}`));
      agent.proc.kill('SIGHUP');
      const failed = await waitFor(
        async () =>
          agent.log().find((l) => l.msg === 'SIGHUP: agent.http cannot be bound; still listening on the old address'),
        20_000,
        'the failed move to be logged',
      );
      assert.equal(failed.code, 'GA_ERR_HTTP_ADDRESS');
      assert.equal(failed.key, 'agent.http');
      assert.equal(failed.value, `127.0.0.1:${taken.port}`);
      assert.match(String(failed.err), /already in use/);
      assert.match(String(failed.fix), new RegExp(`sport = :${taken.port}`));
      // the rest of the reload goes on: the pipeline restarts with the new config
      await waitFor(async () => (restarts() > before ? true : undefined), 20_000, 'the pipeline to restart');
      const m = await metricsAt(p2);
      assert.ok(m, 'still answering on the old address');
      assert.equal(metricSum(m, 'goneaway_reload_failures_total', { reason: 'http' }), 1);
      assert.equal(agent.proc.exitCode, null, 'the agent runs on');

      // freed, a later SIGHUP moves it
      await new Promise((r) => taken.server.close(r));
      agent.proc.kill('SIGHUP');
      await waitFor(async () => ((await metricsAt(taken.port)) ? true : undefined), 20_000, 'the retried move');
      await waitFor(async () => ((await metricsAt(p2)) ? undefined : true), 20_000, 'the previous address to close');
      assert.equal((await signalled(agent.proc, 'SIGTERM')).code, 0);
    } finally {
      agent.proc.kill('SIGKILL');
      taken.server.close();
    }
  },
);

test('an agent.http in use at start: the agent exits 2 with GA_ERR_HTTP_ADDRESS (key, value, fix) and leaves no lock; validate names it too', async () => {
  const dir = tmp('agent-http-inuse');
  const taken = await occupy();
  try {
    const spec = `127.0.0.1:${taken.port}`;
    const config = agentConfig(dir, spec);
    const run = async (args: string[]) => {
      const p = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await exited(p, 20_000);
      if (code === 'timeout') p.kill('SIGKILL');
      return { code, line: stderr.split('\n').find((l) => l.includes('GA_ERR_HTTP_ADDRESS:')) ?? stderr };
    };
    const agent = await run(['agent', '--config', config]);
    assert.equal(agent.code, 2, agent.line);
    assert.match(agent.line, /already in use/);
    assert.ok(agent.line.includes(`[agent.http=${JSON.stringify(spec)}]`), agent.line);
    assert.match(agent.line, /fix: find the process/);
    assert.equal(fs.existsSync(path.join(dir, 'state', LOCK_FILE)), false, 'the lock is released');

    const validate = await run(['validate', '--config', config]);
    assert.equal(validate.code, 3, validate.line);
    assert.match(validate.line, new RegExp(`agent\\.http = "${spec}".*already in use.*fix:`));
  } finally {
    taken.server.close();
  }
});
