/**
 * What the config gives `goneaway agent` (agent-command.ts runs it): each input's parse context (its zone, the
 * HAProxy formats, the app patterns), the correlation settings with haproxy.cfg read, and the output — the
 * Elasticsearch bulk sink behind the on-disk spool, or size-rotated `_bulk` files under the state dir — with the
 * clock of its acknowledgements. Read before anything is started, so that a SIGHUP with a config that cannot be
 * used leaves the running agent as it is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ParseContext } from '../../parsers/types.js';
import { readHaproxySettings } from '../../parsers/haproxy/settings.js';
import type { Config } from '../config/schema.js';
import { GoneawayError } from '../errors.js';
import type { AgentOptions as AgentSetup } from '../agent/agent.js';
import { OutputClock } from '../agent/http.js';
import type { AgentInput } from '../agent/inputs.js';
import type { AgentMetrics } from '../agent/metrics.js';
import { compileAppPatterns } from '../pipeline/app-patterns.js';
import { SpoolingSink } from '../sinks/disk-spool.js';
import { NdjsonFilesSink } from '../sinks/ndjson-files.js';
import type { Sink } from '../sinks/sink.js';
import { haproxyFormats, zoneFrom } from './common.js';
import { esTarget, openSink } from './es-output.js';
import { configZone } from './zones.js';

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

/** What the config gives the agent besides its output, read before anything is started or stopped. */
export type Prepared = Pick<AgentSetup, 'settings' | 'contextFor'>;

/**
 * The files the config names beyond the logs (haproxy.config), read now: a SIGHUP prepares the new config first,
 * so that one that cannot be used (GA_ERR_FILE_UNREADABLE, GA_ERR_HAPROXY_CONFIG …) leaves the running agent as it is.
 */
export function prepare(cfg: Config): Prepared {
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
