/**
 * An input file that exists but cannot be opened (issue 14's review: an open error was taken for "gone" and nothing
 * said so): the agent logs it with the path, the errno code and the fix, counts it in goneaway_input_errors_total,
 * answers 503 on /healthz while it lasts (issue 14: "200 only while the inputs are read"), keeps trying, and reads
 * the file once it can.
 *
 * Unreadable by permissions (EACCES) when the test runs as a user; as root, whom permissions do not stop, by a
 * symbolic link that points at itself (ELOOP, open(2): https://man7.org/linux/man-pages/man2/open.2.html).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { haproxyLine, metricSum, skipWithoutStub, spawnAgent, stubOutput, writeConfig } from './agent-process.js';
import { startStub, waitFor } from './lab-replay-harness.js';
import { tmp } from './helpers.js';

const asRoot = process.getuid?.() === 0;

/** makes `file` exist and be unopenable for this user; returns the errno the agent should meet */
function unreadable(file: string): string {
  if (asRoot) {
    fs.symlinkSync(path.basename(file), file);
    return 'ELOOP';
  }
  fs.writeFileSync(file, '');
  fs.chmodSync(file, 0o000);
  return 'EACCES';
}

/** /healthz: its status and reasons */
async function health(port: number): Promise<{ status: number; reasons: string[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, reasons: ((await res.json()) as { reasons: string[] }).reasons };
}

test(
  'an input file the agent cannot open: logged with path, errno and fix, counted, /healthz 503, read once it can be',
  { skip: skipWithoutStub },
  async () => {
    const stub = await startStub();
    const dir = tmp('unreadable');
    const hlog = path.join(dir, 'haproxy.log');
    const code = unreadable(hlog);
    const config = writeConfig(dir, {
      timezone: 'UTC',
      haproxy: { files: [hlog] },
      agent: { state_dir: path.join(dir, 'state'), start_at: 'beginning', http: '127.0.0.1:0' },
      output: stubOutput(stub.url, dir),
    });
    const agent = await spawnAgent(config, dir);
    try {
      const port = Number(
        String(agent.log().find((l) => l.msg === 'listening')!.http)
          .split(':')
          .pop(),
      );
      const warned = await waitFor(
        async () => agent.log().find((l) => l.path === hlog && l.code === code),
        15_000,
        `a log line about ${hlog} (${code})`,
      );
      assert.equal(warned.level, 40, 'logged as a warning');
      assert.match(String(warned.fix), code === 'EACCES' ? /user/ : /link/);
      assert.equal(metricSum(await agent.metrics(), 'goneaway_input_errors_total', { input: 'haproxy', code }), 1);
      const sick = await health(port);
      assert.equal(sick.status, 503);
      assert.ok(
        sick.reasons.some((r) => r.includes(hlog) && r.includes(code)),
        `reasons: ${JSON.stringify(sick.reasons)}`,
      );
      // tried again at every scan, reported once: still one episode a few scans later
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(metricSum(await agent.metrics(), 'goneaway_input_errors_total', { input: 'haproxy', code }), 1);
      assert.equal(agent.log().filter((l) => l.path === hlog && l.code === code).length, 1);

      // fixed: the file is read and the agent is healthy again
      if (asRoot) fs.unlinkSync(hlog);
      else fs.chmodSync(hlog, 0o644);
      fs.appendFileSync(hlog, `${haproxyLine(1)}\n${haproxyLine(2)}\n`);
      await waitFor(
        async () =>
          metricSum(await agent.metrics(), 'goneaway_lines_read_total', { input: 'haproxy' }) >= 2 ? true : undefined,
        15_000,
        'the two lines read once the file can be',
      );
      const well = await waitFor(
        async () => {
          const h = await health(port);
          return h.status === 200 ? h : undefined;
        },
        15_000,
        '/healthz 200 once the file is read',
      );
      assert.deepEqual(well.reasons, []);
    } finally {
      agent.proc.kill('SIGKILL');
      stub.stop();
    }
  },
);
