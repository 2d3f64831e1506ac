/**
 * The agent's HTTP endpoint (`agent.http`, default 127.0.0.1:9477): `/metrics` for Prometheus and
 * `/healthz` for systemd/Kubernetes-style probes. Health is 200 only while the inputs are being read
 * and the real output (Elasticsearch or the NDJSON files, not the spool in front of it) has acknowledged
 * something recently, or has nothing waiting: an agent whose documents sit in the spool behind a dead
 * cluster, or whose reading loop died, answers 503 with the reason (docs/agent-inputs.md "Health").
 */
import { createServer, type Server } from 'node:http';
import { GoneawayError } from '../errors.js';
import type { Ack, OutDoc, Sink } from '../sinks/sink.js';
import type { AgentMetrics } from './metrics.js';

export interface HealthState {
  /** the reading loop's last turn (epoch ms) */
  lastRead(): number;
  /** the real output's last acknowledgement (epoch ms: OutputClock.last), and what waits for one */
  lastAck(): number;
  /** documents handed to the output and not acknowledged (the spool's acknowledgement counts here) */
  pending(): number;
  /** bytes in the on-disk spool: documents the output has not taken yet */
  spooled(): number;
  /** input files that exist but cannot be read now (`input path (code)`) */
  unreadable?(): string[];
}

/**
 * The real output with the time of its last acknowledgement. It sits under the spool: a batch spooled during
 * an outage is acknowledged by the spool (safe on disk) but not by the output, so it does not count as one.
 */
export class OutputClock implements Sink {
  /** epoch ms of the last batch the output acknowledged (the start, before any) */
  last = Date.now();

  constructor(
    private readonly inner: Sink,
    private readonly onAck: (ms: number) => void = () => undefined,
  ) {}

  async write(batch: OutDoc[]): Promise<Ack> {
    const ack = await this.inner.write(batch);
    this.last = Date.now();
    this.onAck(this.last);
    return ack;
  }

  // a wrapper passes every call of the Sink contract on: without it, a stop could not interrupt the output
  interrupt(): void {
    this.inner.interrupt?.();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface HealthVerdict {
  ok: boolean;
  reasons: string[];
}

export function judgeHealth(state: HealthState, now: number, staleMs: number): HealthVerdict {
  const reasons: string[] = [];
  if (now - state.lastRead() > staleMs)
    reasons.push(`inputs not read for ${Math.round((now - state.lastRead()) / 1000)} s`);
  // a configured input the agent cannot read is not "the inputs are read" (issue 14), however well the rest goes
  for (const u of state.unreadable?.() ?? []) reasons.push(`input file cannot be read: ${u}`);
  // nothing waiting (quiet logs) is no reason to be unhealthy; documents waiting, in flight or in the spool, are
  // once the output has taken none of them (or anything else) for staleMs
  const pending = state.pending();
  const spooled = state.spooled();
  if ((pending > 0 || spooled > 0) && now - state.lastAck() > staleMs) {
    const waiting = [
      ...(pending > 0 ? [`${pending} documents waiting`] : []),
      ...(spooled > 0 ? [`${spooled} bytes in the spool`] : []),
    ];
    reasons.push(
      `${waiting.join(' and ')}, nothing acknowledged by the output for ${Math.round((now - state.lastAck()) / 1000)} s`,
    );
  }
  return { ok: reasons.length === 0, reasons };
}

/** "127.0.0.1:9477", ":9477", "[::1]:9477" → host and port */
export function parseListen(spec: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(spec.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export async function startHttp(
  listen: { host: string; port: number },
  metrics: AgentMetrics,
  health: HealthState,
  /** agent.health_stale_after as configured now (a SIGHUP may change it) */
  staleMs: () => number = () => 60_000,
): Promise<Server> {
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
      return;
    }
    if (url === '/healthz') {
      const v = judgeHealth(health, Date.now(), staleMs());
      res.writeHead(v.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: v.ok ? 'ok' : 'unhealthy', reasons: v.reasons }) + '\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return server;
}

/** the address a server listens on, as `host:port` (the port the system chose for `:0`) */
export function boundAddress(server: Server, spec: string): string {
  const a = server.address();
  if (typeof a !== 'object' || !a) return spec;
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** why `agent.http` = `spec` cannot be bound, from the listen error's code, as key, value and fix */
export function httpBindError(spec: string, e: unknown): GoneawayError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EADDRINUSE'
      ? 'the address is already in use by another process'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied (ports below 1024 need privileges)'
        : code === 'EADDRNOTAVAIL'
          ? 'the host is not an address of this machine'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'the host name does not resolve'
            : String((e as Error)?.message ?? e);
  const fix =
    code === 'EADDRINUSE'
      ? `find the process with \`ss -ltnp 'sport = :${parseListen(spec)?.port ?? ''}'\` and stop it, or give agent.http another port`
      : code === 'EACCES' || code === 'EPERM'
        ? 'give agent.http a port above 1024 (the default is 127.0.0.1:9477)'
        : 'give agent.http an address of this machine, e.g. 127.0.0.1:9477, or 0.0.0.0:9477 for every interface';
  return new GoneawayError('GA_ERR_HTTP_ADDRESS', `cannot listen on agent.http ${spec}: ${why}`, {
    key: 'agent.http',
    value: spec,
    fix,
    cause: e,
  });
}

/**
 * The endpoint as the agent runs it: opened at start, moved by a SIGHUP that changes `agent.http`. A move binds
 * the new address before it closes the old one, so a failed bind (the port taken, say) leaves the agent
 * reachable where it was.
 */
export class HttpEndpoint {
  private constructor(
    private server: Server,
    /** the `agent.http` value it listens on */
    public spec: string,
    private readonly open: (spec: string) => Promise<Server>,
  ) {}

  static async start(spec: string, metrics: AgentMetrics, health: HealthState, staleMs?: () => number) {
    const open = async (s: string) => {
      const listen = parseListen(s);
      if (!listen) throw httpBindError(s, new Error('not host:port'));
      return startHttp(listen, metrics, health, staleMs).catch((e: unknown) => {
        throw httpBindError(s, e);
      });
    };
    return new HttpEndpoint(await open(spec), spec, open);
  }

  /** `host:port` as bound (the port the system chose for `:0`) */
  get address(): string {
    return boundAddress(this.server, this.spec);
  }

  /** listens on `spec` instead; throws GA_ERR_HTTP_ADDRESS, still listening on the old address, if it cannot */
  async move(spec: string): Promise<void> {
    const next = await this.open(spec);
    const old = this.server;
    [this.server, this.spec] = [next, spec];
    await closeServer(old);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}

/** stops listening; idle keep-alive connections (a scraper's) are closed too, so the port is free at once */
function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    s.closeIdleConnections();
  });
}
