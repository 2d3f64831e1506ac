/**
 * With BENCH_AGENT_KEEP: the agent's own memory figures every 30 s, read from its /metrics (prom-client's default
 * metrics: V8's heap used and total, the memory of ArrayBuffers and Buffers outside it; and what its correlation
 * window holds, goneaway_window_entries per part), kept beside the files as `agent-heap.tsv`. RSS alone does not
 * say whether a rising floor is the JS heap, the buffers, or the allocator keeping freed pages
 * (docs/benchmark-agent.md "RSS floor, 2026-12-07"). Off by default: the scrape costs the agent a little CPU,
 * which the soak's figures should not carry.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { clock } from './stats.js';

const EVERY_MS = 30_000;
/** megabytes: [column, sample as it is written in the exposition] */
const MEGABYTES = [
  'goneaway_nodejs_heap_size_used_bytes',
  'goneaway_nodejs_heap_size_total_bytes',
  'goneaway_nodejs_external_memory_bytes',
  'goneaway_window_line_bytes',
].map((g) => [g, g] as const);
/** counts */
const ENTRIES = [
  'sessions',
  'rows',
  'threads',
  'aborted',
  'accept_seconds',
  'haproxy_events',
  'left',
  'app_errors',
].map((part) => [`window_${part}`, `goneaway_window_entries{part="${part}"}`] as const);
const escape = (s: string) => s.replace(/[{}"]/g, '\\$&');

export class HeapScrape {
  private readonly rows: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private address: string | undefined;

  constructor(
    /** the agent's log (pino JSON on stderr), where it says the address it listens on */
    private readonly logFile: string,
    private readonly t0: () => number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.scrape(), EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  write(file: string): void {
    const columns = [...MEGABYTES, ...ENTRIES].map(([c]) => c);
    writeFileSync(file, `second\t${columns.join('\t')}\n${this.rows.join('\n')}\n`);
  }

  private async scrape(): Promise<void> {
    try {
      this.address ??= /"http":"([^"]+)"/.exec(readFileSync(this.logFile, 'utf8'))?.[1];
      if (!this.address) return;
      const text = await (await fetch(`http://${this.address}/metrics`)).text();
      const sample = (g: string) => new RegExp(`^${escape(g)} (\\S+)`, 'm').exec(text)?.[1];
      const mb = MEGABYTES.map(([, g]) => sample(g)).map((v) =>
        v === undefined ? 'NaN' : (Number(v) / 2 ** 20).toFixed(1),
      );
      const n = ENTRIES.map(([, g]) => sample(g) ?? 'NaN');
      this.rows.push([((clock() - this.t0()) / 1000).toFixed(0), ...mb, ...n].join('\t'));
    } catch {
      // the agent busy or gone: a missing row, not a failed soak
    }
  }
}
