/**
 * `goneaway agent --config FILE`: the long-running form (README "goneaway agent"). Runs the agent
 * (src/agent/agent.ts) with what the config gives it (agent-setup.ts: each input's parse context, the
 * correlation settings, the output), the pino logger on stderr, the state dir lock, the metrics and health
 * endpoint, and the signals: SIGTERM/SIGINT stop cleanly (exit 0 within 10 s), SIGHUP reloads the config and
 * restarts the pipeline from its checkpoints.
 */
import pino, { type Logger } from 'pino';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { GoneawayError } from '../errors.js';
import { Agent } from '../agent/agent.js';
import { HttpEndpoint, OutputClock } from '../agent/http.js';
import { createMetrics, type AgentMetrics } from '../agent/metrics.js';
import { acquireStateLock } from '../agent/state-lock.js';
import type { SpoolingSink } from '../sinks/disk-spool.js';
import { output, prepare, type Prepared } from './agent-setup.js';

export interface AgentOptions {
  config?: string;
}

/** how long SIGTERM may take before the process gives up waiting (systemd's TimeoutStopSec is above it) */
const STOP_WITHIN_MS = 9_000;
/**
 * how long a stop waits for the output before it stops waiting (Agent.interrupt): with Elasticsearch away the
 * sink would retry for `max_retry_time` (5 min by default) before the spool took the batch; issue 14 wants a
 * SIGTERM done within 10 s, so the batch is spooled now and the stop checkpoints and exits 0 in time
 */
const INTERRUPT_AFTER_MS = 5_000;

interface Running {
  agent: Agent;
  spool: SpoolingSink | undefined;
  clock: OutputClock;
}

function start(cfg: Config, log: Logger, metrics: AgentMetrics, prepared = prepare(cfg)): Running {
  const { sink, spool, clock } = output(cfg, log, metrics);
  const agent = new Agent({ config: cfg, ...prepared, sink, log, metrics });
  return { agent, spool, clock };
}

export async function runAgent(o: AgentOptions): Promise<number> {
  if (!o.config)
    throw new GoneawayError('GA_ERR_ARGUMENT', 'the agent needs its config', {
      key: '--config',
      fix: 'goneaway agent --config /etc/goneaway/goneaway.yaml (see config/goneaway.example.yaml)',
    });
  const log = pino({ name: 'goneaway-agent' }, pino.destination(2));
  const metrics = createMetrics();
  let cfg = loadConfig(o.config);
  // before anything is read or written in the state dir: a second agent on it stops here (state-lock.ts)
  const lock = acquireStateLock(cfg.agent.state_dir);
  process.once('exit', () => lock.release());
  if (lock.tookOver)
    log.warn({ file: lock.file, stale: lock.tookOver }, 'took over the state dir lock of an agent no longer running');
  let run = start(cfg, log, metrics);
  const http = await HttpEndpoint.start(
    cfg.agent.http,
    metrics,
    {
      lastRead: () => run.agent.lastTurn,
      lastAck: () => run.clock.last,
      pending: () => run.agent.pending,
      spooled: () => run.spool?.spooledBytes ?? 0,
      unreadable: () => run.agent.unreadableInputs(),
    },
    () => cfg.agent.health_stale_after,
  ).catch((e: unknown) => {
    lock.release();
    throw e;
  });
  log.info({ http: http.address }, 'listening');
  const spoolGauge = setInterval(() => metrics.spoolBytes.set(run.spool?.spooledBytes ?? 0), 1000);
  spoolGauge.unref();
  // the signals are taken from here on, the start included: a SIGTERM while the pipeline starts (systemd stopping
  // a unit just started) waits for the start, then stops it cleanly instead of killing the process half-way
  let busy: Promise<void> = Promise.resolve();
  const done = new Promise<number>((resolve, reject) => {
    let stopping = false;
    // the running pipeline cannot go on (Agent.failed): what was acknowledged is checkpointed, then the process
    // exits non-zero with a coded error, so that systemd starts it again (Restart=on-failure) from the checkpoints
    const watch = (r: Running) =>
      void r.agent.failed.then(async (e) => {
        if (r !== run || stopping) return;
        stopping = true;
        const err = new GoneawayError(
          'GA_ERR_AGENT_FAILED',
          `the agent cannot go on: ${String((e as Error)?.message ?? e)}`,
          {
            fix: 'it exits to be restarted from its checkpoints (systemd: Restart=on-failure); if it fails again, the error above says what to fix',
            cause: e,
          },
        );
        log.error({ code: err.code, err: err.message, fix: err.fix }, 'fatal: checkpointing and exiting');
        await run.agent.stop().catch(() => undefined);
        clearInterval(spoolGauge);
        void http.close();
        lock.release();
        // a handle left open (a socket of the output) must not keep a process that cannot work alive
        setTimeout(() => process.exit(2), 2000).unref();
        reject(err);
      });
    watch(run);
    const stop = (signal: string) => {
      // a second SIGTERM is no reason to die half-way: systemd signals the whole cgroup, and bin/goneaway.js
      // passes the signal on to this process too
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping: flushing and checkpointing');
      const nudge = setTimeout(() => {
        log.warn('stopping: the output has not taken the last documents; spooling them instead of waiting');
        run.agent.interrupt();
      }, INTERRUPT_AFTER_MS);
      const timer = setTimeout(() => {
        // the last resort: open handles (a request, the endpoint) would keep the process alive past systemd's
        // TimeoutStopSec; positions not saved yet are read again at the next start
        log.error('stop took too long; exiting (positions not yet saved are read again at the next start)');
        lock.release();
        process.exit(1);
      }, STOP_WITHIN_MS);
      busy = busy
        .then(() => run.agent.stop())
        .then(
          () => {
            clearTimeout(nudge);
            clearTimeout(timer);
            clearInterval(spoolGauge);
            void http.close();
            lock.release();
            log.info('stopped');
            resolve(0);
          },
          (e: unknown) => {
            clearTimeout(nudge);
            clearTimeout(timer);
            log.error({ err: String((e as Error)?.message ?? e) }, 'stop failed');
            lock.release();
            process.exit(1);
          },
        );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      busy = busy.then(async () => {
        let next: Config;
        try {
          next = loadConfig(o.config);
        } catch (e) {
          log.error(
            { err: String((e as Error).message) },
            'SIGHUP: the new config is invalid; keeping the running one',
          );
          metrics.reloadFailures.inc({ reason: 'config_invalid' });
          return;
        }
        // the positions and the learned origins are in the state dir: another one would start over
        if (next.agent.state_dir !== cfg.agent.state_dir) {
          log.error(
            { key: 'agent.state_dir', value: next.agent.state_dir, running: cfg.agent.state_dir },
            'SIGHUP: agent.state_dir cannot change on reload; keeping the running config (restart the agent to move it)',
          );
          metrics.reloadFailures.inc({ reason: 'state_dir' });
          return;
        }
        if (JSON.stringify(next.correlate) !== JSON.stringify(cfg.correlate))
          log.warn(
            { from: cfg.correlate, to: next.correlate },
            'SIGHUP: correlate settings changed: errors decided from now on use them; verdicts already indexed stay',
          );
        let prepared: Prepared;
        try {
          prepared = prepare(next);
        } catch (e) {
          // before anything is stopped: the running agent goes on with the config it has (it used to crash here)
          const err = e as GoneawayError;
          log.error(
            { code: err.code, key: err.key, value: err.value, fix: err.fix, err: String(err.message) },
            'SIGHUP: the new config cannot be used; keeping the running one',
          );
          metrics.reloadFailures.inc({ reason: 'config_unusable' });
          return;
        }
        if (next.agent.http !== http.spec) await moveHttp(http, next.agent.http, log, metrics);
        log.info('SIGHUP: reloading the config; restarting from the checkpoints');
        await run.agent.stop();
        cfg = next;
        run = start(cfg, log, metrics, prepared);
        watch(run);
        await run.agent.start();
        log.info({ inputs: run.agent.inputNames() }, 'agent restarted');
      });
    });
  });
  busy = run.agent.start().then(() => log.info({ inputs: run.agent.inputNames() }, 'agent started'));
  await busy; // a start that fails throws here, as before the handlers were set
  return done;
}

/**
 * SIGHUP with another `agent.http`: the new address is bound before the old one is closed; if it cannot be, the
 * agent goes on listening where it did (logged, counted); a later SIGHUP tries again.
 */
async function moveHttp(http: HttpEndpoint, spec: string, log: Logger, metrics: AgentMetrics): Promise<void> {
  const from = http.address;
  try {
    await http.move(spec);
    log.info({ http: http.address, from }, 'listening');
  } catch (e) {
    const err = e as GoneawayError;
    log.error(
      { code: err.code, key: err.key, value: err.value, fix: err.fix, err: err.message, http: from },
      'SIGHUP: agent.http cannot be bound; still listening on the old address',
    );
    metrics.reloadFailures.inc({ reason: 'http' });
  }
}
