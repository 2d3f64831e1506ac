/**
 * `goneaway agent --config FILE`: the long-running form (README "goneaway agent"). Wires the config to the
 * agent (src/agent/agent.ts): each input's parse context, the correlation settings, the output — the
 * Elasticsearch bulk sink behind the on-disk spool, or size-rotated `_bulk` files under the state dir —, the
 * pino logger on stderr, the metrics and health endpoint, and the signals: SIGTERM/SIGINT stop cleanly
 * (exit 0 within 10 s), SIGHUP reloads the config and restarts the pipeline from its checkpoints.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { ParseContext } from '../../parsers/types.js';
import { readHaproxySettings } from '../../parsers/haproxy/settings.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { GoneawayError } from '../errors.js';
import { Agent, type AgentOptions as AgentSetup } from '../agent/agent.js';
import { HttpEndpoint, OutputClock } from '../agent/http.js';
import type { AgentInput } from '../agent/inputs.js';
import { createMetrics, type AgentMetrics } from '../agent/metrics.js';
import { acquireStateLock } from '../agent/state-lock.js';
import { compileAppPatterns } from '../pipeline/app-patterns.js';
import { SpoolingSink } from '../sinks/disk-spool.js';
import { NdjsonFilesSink } from '../sinks/ndjson-files.js';
import type { Sink } from '../sinks/sink.js';
import { haproxyFormats, zoneFrom } from './common.js';
import { esTarget, openSink } from './es-output.js';
import { configZone } from './zones.js';

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

/** a parse context per input: its zone (the input's config key, else the top-level one), formats, patterns */
function contexts(cfg: Config): (input: AgentInput) => ParseContext {
  const formats = haproxyFormats(cfg.haproxy.log_format, cfg.haproxy.config);
  const patterns = compileAppPatterns(cfg.app.patterns);
  return (input) => {
    const own = configZone(cfg, input.kind, input.paths[0] ?? '', input.server || undefined);
    const spec = own?.spec ?? cfg.timezone;
    return {
      zone: zoneFrom(spec, own?.spec !== undefined ? own.key : 'timezone'),
      zoneGiven: spec !== undefined,
      haproxyFormats: formats,
      appPatterns: patterns,
      // the agent indexes what it reads: SQL literals are redacted unless the config says otherwise
      redactSql: cfg.correlate.redact_sql ?? true,
    };
  };
}

/**
 * The agent's output: the sink it writes to, the spool in front of Elasticsearch, and the clock of the real
 * output's acknowledgements (/healthz and goneaway_last_ack_seconds: the spool's do not count).
 */
export function output(
  cfg: Config,
  log: Logger,
  metrics: AgentMetrics,
): { sink: Sink; spool?: SpoolingSink; clock: OutputClock } {
  const onAck = (ms: number) => metrics.lastAck.set(ms / 1000);
  const es = esTarget(undefined, cfg, {});
  if (!es) {
    const dir = path.join(cfg.agent.state_dir, 'out');
    log.info({ dir }, 'no output.elasticsearch: documents go to _bulk files under the state dir');
    const clock = new OutputClock(new NdjsonFilesSink({ dir }), onAck);
    return { sink: clock, clock };
  }
  const settings = {
    ...es.settings,
    // under systemd the working directory is / (read-only): a relative path is taken in the state dir
    dead_letter_file: path.resolve(cfg.agent.state_dir, es.settings.dead_letter_file),
  };
  // the spool keeps every batch the cluster did not take: no leftover file (it would only grow — each failed attempt
  // of the drainer appended its segment again — and escape agent.spool_max_bytes), and nothing serialised for one
  const clock = new OutputClock(openSink({ ...es, settings }, false), onAck);
  const spool = new SpoolingSink(clock, {
    dir: path.join(cfg.agent.state_dir, 'spool'),
    maxBytes: cfg.agent.spool_max_bytes,
    // the code and the fix too: a refusal (GA_ERR_ES_NOT_SET_UP: run setup) is drained only once it is fixed
    onError: (err) => {
      const { code, fix } = (err ?? {}) as { code?: string; fix?: string };
      log.warn({ err: String((err as Error)?.message ?? err), code, fix }, 'output unavailable, spooling');
    },
    // the agent's own acknowledgement of a spooled batch says `retried`; what the spool took and what its
    // drainer indexed later are counted here, so that every document is seen to arrive (metrics.ts bulkItems)
    onSpooled: (n) => metrics.bulkItems.inc({ outcome: 'spooled' }, n),
    onDrained: (ack) => {
      metrics.bulkItems.inc({ outcome: 'indexed' }, ack.indexed);
      metrics.bulkItems.inc({ outcome: 'present' }, ack.present);
      metrics.bulkItems.inc({ outcome: 'dead_lettered' }, ack.deadLettered);
    },
  });
  return { sink: spool, spool, clock };
}

interface Running {
  agent: Agent;
  spool: SpoolingSink | undefined;
  clock: OutputClock;
}

/** What the config gives the agent besides its output, read before anything is started or stopped. */
type Prepared = Pick<AgentSetup, 'settings' | 'contextFor'>;

/**
 * The files the config names beyond the logs (haproxy.config), read now: a SIGHUP prepares the new config first,
 * so that one that cannot be used (GA_ERR_FILE_UNREADABLE, GA_ERR_HAPROXY_CONFIG …) leaves the running agent as it is.
 */
function prepare(cfg: Config): Prepared {
  const file = cfg.haproxy.config;
  return {
    settings: {
      skew: cfg.correlate.clock_skew,
      maxLag: cfg.correlate.max_error_lag,
      settle: cfg.correlate.settle,
      haproxySettings: file === undefined ? undefined : readHaproxySettings(readHaproxyConfig(file)),
    },
    contextFor: contexts(cfg),
  };
}

function readHaproxyConfig(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GoneawayError('GA_ERR_FILE_UNREADABLE', `cannot read haproxy.config ${file}: ${code ?? String(e)}`, {
      key: 'haproxy.config',
      value: file,
      fix:
        code === 'EACCES'
          ? "let the agent's user read it (e.g. through the haproxy group or an ACL)"
          : 'give the path of the haproxy.cfg HAProxy runs with, or remove haproxy.config',
      cause: e,
    });
  }
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
