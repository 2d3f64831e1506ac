/**
 * An agent run inside the test process on the bench's HAProxy lines: the files written up front, the Agent with a
 * silent log, no metrics registry and a 15-minute window, and the sink the test gives it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { Agent, type AgentOptions } from '../../src/agent/agent.js';
import { createMetrics } from '../../src/agent/metrics.js';
import type { Config } from '../../src/config/schema.js';
import { zoneFrom } from '../../src/cli/common.js';
import type { Sink } from '../../src/sinks/sink.js';
import { liveFiles } from '../../bench/agent/live-lines.js';

/** `n` lines of the bench's HAProxy generator from `t0`, `stepMs` apart; the offset of each line */
export function writeHaproxy(file: string, seed: number, n: number, t0: number, stepMs: number): number[] {
  const gen = liveFiles(path.dirname(file), seed)[0]!;
  const offsets: number[] = [];
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const line = gen.next(t0 + i * stepMs) + '\n';
    offsets.push(at);
    at += Buffer.byteLength(line);
    parts.push(line);
  }
  writeFileSync(file, parts.join(''));
  return offsets;
}

/** the Agent for `config` writing to `sink`; `more` sets its pace (idleMs, batchMs, batchLines, maxResident) */
export function inProcessAgent(
  config: Config,
  sink: Sink,
  more: Pick<AgentOptions, 'idleMs' | 'batchMs' | 'batchLines' | 'maxResident'>,
): Agent {
  return new Agent({
    config,
    settings: { skew: 2000, maxLag: 15 * 60_000, settle: 5000, haproxySettings: undefined },
    contextFor: () => ({ zone: zoneFrom('UTC', 'timezone'), zoneGiven: true, redactSql: true }),
    sink,
    log: pino({ level: 'silent' }),
    metrics: createMetrics(false),
    ...more,
  });
}
