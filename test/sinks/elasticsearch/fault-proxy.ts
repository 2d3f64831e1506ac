/**
 * Fault modes in front of the recording stand-in (../shared/tools/es-stub.mjs plays 429 items, a 503 and an
 * outage): a proxy in the test's process that passes every request to the stand-in — which keeps storing by
 * (index, _id), 409 on a second create — and answers `_bulk` requests as a cluster in trouble does
 * (docs/elasticsearch.md "Failures"):
 * - `hang`: the request reaches the stand-in (its documents land) and no answer ever comes: the client's
 *   request timeout ends it;
 * - `reset`: the documents land, half the answer is written, then the connection is destroyed;
 * - `drop-items`: the documents land and the answer (errors: true) leaves out the second half of its items;
 * - `status`: the request is answered with this status and body and not passed on (a proxy's HTML 502, a 401);
 * - `items`: every item answered with this status and error, nothing stored (the flood-stage block, a 404
 *   index_not_found_exception, a 403 security_exception on the stream);
 * - `not-elasticsearch`: every answer passed on without the X-Elastic-Product header (another product).
 * A fault applies to the next `times` bulk requests (all of them by default) or until set again.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  | { kind: 'hang' | 'reset' | 'drop-items' | 'not-elasticsearch' }
  | { kind: 'status'; status: number; body: string; contentType?: string }
  | { kind: 'items'; status: number; error: { type: string; reason: string } };

export interface FaultProxy {
  url: string;
  /** the fault for the next `times` bulk requests (undefined: none) */
  set(fault: Fault | undefined, times?: number): void;
  /** bulk requests seen, and answered with a fault */
  readonly stats: { bulk: number; faulted: number };
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let fault: Fault | undefined;
  let left = Infinity;
  const stats = { bulk: 0, faulted: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answer(req, res, Buffer.concat(chunks)).catch(() => res.destroy()));
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));

  async function answer(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const bulk = new URL(req.url!, 'http://proxy').pathname.endsWith('/_bulk');
    let f = fault;
    if (bulk) {
      stats.bulk++;
      if (f && f.kind !== 'not-elasticsearch') {
        if (left <= 0) f = undefined;
        else {
          left--;
          stats.faulted++;
        }
      }
    }
    if (f?.kind === 'status' && bulk) {
      res.writeHead(f.status, { 'content-type': f.contentType ?? 'application/json' });
      return void res.end(f.body);
    }
    if (f?.kind === 'items' && bulk) {
      const lines = body.toString('utf8').split('\n').filter(Boolean);
      const items = [];
      for (let i = 0; i < lines.length; i += 2) {
        const { _index, _id } = (JSON.parse(lines[i]!) as { create: { _index: string; _id: string } }).create;
        items.push({ create: { _index, _id, status: f.status, error: f.error } });
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      return void res.end(JSON.stringify({ took: 1, errors: true, items }));
    }
    const up = await pass(req, body);
    const headers = { ...up.headers };
    if (f?.kind === 'not-elasticsearch') delete headers['x-elastic-product'];
    if (bulk && f?.kind === 'hang') return; // the socket stays open until the client gives up
    if (bulk && f?.kind === 'reset') {
      res.writeHead(up.status, { ...headers, 'content-length': String(up.body.length) });
      res.write(up.body.subarray(0, up.body.length >> 1));
      return void setTimeout(() => req.socket.destroy(), 20);
    }
    let out = up.body;
    if (bulk && f?.kind === 'drop-items') {
      const a = JSON.parse(out.toString('utf8')) as { items: unknown[] };
      out = Buffer.from(JSON.stringify({ ...a, errors: true, items: a.items.slice(0, a.items.length >> 1) }));
    }
    res.writeHead(up.status, { ...headers, 'content-length': String(out.length) });
    res.end(out);
  }

  function pass(req: IncomingMessage, body: Buffer) {
    return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const headers = { ...req.headers } as Record<string, string>;
      delete headers['host'];
      headers['content-length'] = String(body.length);
      const up = request(new URL(req.url!, target), { method: req.method, headers }, (r) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => {
          const h = { ...r.headers } as Record<string, string>;
          delete h['content-length'];
          delete h['transfer-encoding'];
          resolve({ status: r.statusCode ?? 502, headers: h, body: Buffer.concat(parts) });
        });
        r.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    set(f, times = Infinity) {
      fault = f;
      left = times;
    },
    stats,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
