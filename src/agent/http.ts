/**
 * The agent's HTTP endpoint (`agent.http`, default 127.0.0.1:9477): `/metrics` for Prometheus and
 * `/healthz` for systemd/Kubernetes-style probes. Health is 200 only while the inputs are being read
 * and the output has acknowledged something recently (or has nothing waiting): an agent stuck behind a
 * dead cluster with a full spool, or whose reading loop died, answers 503 with the reason.
 */
import { createServer, type Server } from 'node:http';
import type { AgentMetrics } from './metrics.js';

export interface HealthState {
  /** the reading loop's last turn (epoch ms) */
  lastRead(): number;
  /** the output's last acknowledgement (epoch ms), and whether documents are waiting for one */
  lastAck(): number;
  pending(): number;
}

export interface HealthVerdict {
  ok: boolean;
  reasons: string[];
}

export function judgeHealth(state: HealthState, now: number, staleMs: number): HealthVerdict {
  const reasons: string[] = [];
  if (now - state.lastRead() > staleMs)
    reasons.push(`inputs not read for ${Math.round((now - state.lastRead()) / 1000)} s`);
  if (state.pending() > 0 && now - state.lastAck() > staleMs)
    reasons.push(
      `${state.pending()} documents waiting, no acknowledgement for ${Math.round((now - state.lastAck()) / 1000)} s`,
    );
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
  staleMs = 60_000,
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
      const v = judgeHealth(health, Date.now(), staleMs);
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
