/**
 * An app log written to all the time with lines that are no DB error (a Laravel app's INFO lines) beside a busy
 * HAProxy log (issue 14's review: the INFO lines made no record yet kept the app file from ever going idle, so the
 * merge waited for it for good, then paused the HAProxy file once full). The issue's bound still holds: the app
 * error's verdict is indexed within `correlate.settle` + 15 s of its line; and the HAProxy file is read on and
 * checkpointed all along.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import {
  checkpoints,
  haproxyLine,
  metricSum,
  skipWithoutStub,
  spawnAgent,
  stubOutput,
  writeConfig,
} from './agent-process.js';
import { startStub, verdicts, waitFor } from './lab-replay-harness.js';
import { tmp } from './helpers.js';

const SETTLE_MS = 1000;
/** the review's rates: 100 HAProxy lines and one app line every 200 ms (500 HAProxy lines/s) */
const TICK_MS = 200;
const HAPROXY_PER_TICK = 100;

/**
 * Laravel's (Monolog LineFormatter's) line: `[%datetime%] %channel%.%level_name%: %message%`
 * (https://github.com/Seldaek/monolog/blob/main/src/Monolog/Formatter/LineFormatter.php), its default date
 * `Y-m-d H:i:s` (https://laravel.com/docs/11.x/logging).
 */
const laravel = (level: string, msg: string) =>
  `[${new Date().toISOString().slice(0, 19).replace('T', ' ')}] production.${level}: ${msg}\n`;

const GONE_AWAY =
  'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: select * from `users` where `id` = 1)';

test(
  'a busy app log of INFO lines: the app error is decided within correlate.settle + 15 s and the HAProxy file is checkpointed',
  { skip: skipWithoutStub },
  async () => {
    const stub = await startStub();
    const dir = tmp('busy-app');
    const [hlog, alog, state] = ['haproxy.log', 'app.log', 'state'].map((f) => path.join(dir, f)) as [
      string,
      string,
      string,
    ];
    fs.writeFileSync(hlog, '');
    fs.writeFileSync(alog, '');
    const config = writeConfig(dir, {
      timezone: 'UTC',
      haproxy: { files: [hlog] },
      app: { files: [alog] },
      // a short max_error_lag: the window holds an HAProxy session that long for an error to claim it, and the
      // HAProxy checkpoint with it (docs/correlator.md "Held positions"); 15 min by default
      correlate: { settle: `${SETTLE_MS}ms`, max_error_lag: '2s' },
      agent: { state_dir: state, start_at: 'beginning', http: '127.0.0.1:0', max_resident_records: 6000 },
      output: stubOutput(stub.url, dir),
    });
    const agent = await spawnAgent(config, dir);
    let n = 0;
    let errorAt: number | undefined;
    let tick = 0;
    const writer = setInterval(() => {
      let lines = '';
      for (let i = 0; i < HAPROXY_PER_TICK; i++) lines += haproxyLine(n++) + '\n';
      fs.appendFileSync(hlog, lines);
      fs.appendFileSync(alog, laravel('INFO', `request ${tick} done`));
      if (++tick === 10) {
        errorAt = Date.now();
        fs.appendFileSync(alog, laravel('ERROR', GONE_AWAY));
      }
    }, TICK_MS);
    try {
      // the wait goes past the bound, so that a late verdict is reported with how late it was
      const seenAt = await waitFor(
        async () => ((await verdicts(stub)).some((v) => v.goneaway.kind === 'app_error') ? Date.now() : undefined),
        SETTLE_MS + 40_000,
        'the app error verdict',
      );
      const bound = SETTLE_MS + 15_000;
      assert.ok(seenAt - errorAt! <= bound, `indexed ${seenAt - errorAt!} ms after its line (bound ${bound} ms)`);
      // the HAProxy file is read on (it was paused for good once the merge was full)...
      const written = n;
      await waitFor(
        async () =>
          metricSum(await agent.metrics(), 'goneaway_lines_read_total', { input: 'haproxy' }) >= written
            ? true
            : undefined,
        15_000,
        `${written} HAProxy lines read`,
      );
      // ...and checkpointed, once its first sessions have left the window (max_error_lag + skew + settle + the
      // retry of an undecided error, window.ts: about 17 s of log time here)
      await waitFor(async () => checkpoints(state).get(hlog) || undefined, 40_000, 'an HAProxy checkpoint past 0');
    } finally {
      clearInterval(writer);
      agent.proc.kill('SIGKILL');
      stub.stop();
    }
  },
);
