/**
 * The agent bench's own Elasticsearch stand-in (node:http on loopback, a free port): answers what an
 * indexing agent asks of Elasticsearch 8 — `GET /` info (with the `x-elastic-product` header the official
 * client insists on), templates / lifecycle policies / data streams (acknowledged, and returned in
 * Elasticsearch's shapes when read back), `_bulk` with every `create` answered 201 — and, for each
 * document, records when its bulk request arrived, keyed by (log.file.path, log.offset). The documents
 * themselves are dropped: 12 M documents kept would weigh more than the agent being measured. Shapes:
 * docs/benchmark-agent.md "Elasticsearch answers".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { clock, GrowableF64 } from './stats.js';

export const ES_VERSION = '8.15.0';

/** arrivals of one file's documents, in arrival order */
export interface FileArrivals {
  offsets: GrowableF64;
  times: GrowableF64;
}

export interface BulkCounts {
  requests: number;
  bulkRequests: number;
  items: number;
  /** documents by index name with its `-<namespace>` suffix cut (records / verdicts) */
  byIndex: Map<string, number>;
  /** documents without log.file.path + log.offset (verdicts need not point at one line) */
  unkeyed: number;
  /** action lines that were not JSON or not an object */
  malformed: number;
}

/** log.file.path and log.offset of a document, nested (`{"log":{"file":{"path"}}}`) or dotted (`"log.offset"`) */
export function lineKey(doc: unknown): { path: string; offset: number } | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  const d = doc as Record<string, unknown>;
  const log = d.log && typeof d.log === 'object' ? (d.log as Record<string, unknown>) : {};
  const file = log.file && typeof log.file === 'object' ? (log.file as Record<string, unknown>) : {};
  const path = file.path ?? log['file.path'] ?? d['log.file.path'];
  const offset = log.offset ?? d['log.offset'];
  if (typeof path !== 'string' || typeof offset !== 'number') return undefined;
  return { path, offset };
}

export class BulkRecorder {
  readonly arrivals = new Map<string, FileArrivals>();
  readonly counts: BulkCounts = {
    requests: 0,
    bulkRequests: 0,
    items: 0,
    byIndex: new Map(),
    unkeyed: 0,
    malformed: 0,
  };
  private readonly meta = new Map<string, unknown>();
  private seq = 0;
  private server: Server | undefined;
  /** time of the last bulk request (monotonic ms): "waits for the last documents" watches it */
  lastBulkAt = NaN;

  constructor(private readonly now: () => number = clock) {}

  /** Parse one `_bulk` NDJSON body arrived at `at`, record its documents and return the answer. */
  bulk(body: string, at: number, defaultIndex?: string): { took: number; errors: boolean; items: unknown[] } {
    this.counts.bulkRequests++;
    this.lastBulkAt = at;
    const lines = body.split('\n');
    const items: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.trim()) continue;
      let action: Record<string, { _index?: string; _id?: string }>;
      try {
        action = JSON.parse(lines[i]!) as typeof action;
      } catch {
        this.counts.malformed++;
        continue;
      }
      const op = Object.keys(action)[0] ?? 'index';
      const m = action[op] ?? {};
      const index = m._index ?? defaultIndex ?? '';
      const id = m._id ?? `bench-${++this.seq}`;
      if (op !== 'delete') this.record(index, lines[++i] ?? '', at);
      this.counts.items++;
      const status = op === 'create' ? 201 : op === 'delete' ? 200 : 201;
      items.push({
        [op]: { _index: index, _id: id, _version: 1, result: op === 'delete' ? 'deleted' : 'created', status },
      });
    }
    return { took: 1, errors: false, items };
  }

  private record(index: string, source: string, at: number): void {
    const name = index.replace(/-[^-]*$/, '');
    this.counts.byIndex.set(name, (this.counts.byIndex.get(name) ?? 0) + 1);
    // a line's arrival is its record document: a verdict quotes the line it was decided on (same path and
    // offset) and would count as that line arriving twice
    if (!name.includes('records')) return;
    let key: ReturnType<typeof lineKey>;
    try {
      key = lineKey(JSON.parse(source));
    } catch {
      this.counts.malformed++;
      return;
    }
    if (!key) {
      this.counts.unkeyed++;
      return;
    }
    let a = this.arrivals.get(key.path);
    if (!a) this.arrivals.set(key.path, (a = { offsets: new GrowableF64(1 << 16), times: new GrowableF64(1 << 16) }));
    a.offsets.push(key.offset);
    a.times.push(at);
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    this.counts.requests++;
    const url = new URL(req.url ?? '/', 'http://bench');
    const parts = url.pathname.split('/').filter(Boolean);
    const send = (status: number, answer?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(answer === undefined || req.method === 'HEAD' ? '' : JSON.stringify(answer));
    };
    const last = parts[parts.length - 1];
    if (parts.length === 0) return send(200, info());
    if (last === '_bulk') {
      const answer = this.bulk(body, this.now(), parts.length > 1 ? parts[0] : undefined);
      // as Elasticsearch does: the agent asks for a smaller answer, and parsing it is part of its cost
      const paths = url.searchParams.get('filter_path');
      return send(200, paths ? filterPath(answer, paths) : answer);
    }
    if (parts[0] === '_cluster' && parts[1] === 'health') return send(200, { status: 'green' });
    if (req.method === 'PUT' || req.method === 'POST') {
      this.meta.set(url.pathname, body ? (JSON.parse(body) as unknown) : {});
      return send(200, { acknowledged: true });
    }
    const stored = this.meta.get(url.pathname);
    if (stored !== undefined) return send(200, shaped(parts, stored));
    send(404, { error: { type: 'resource_not_found_exception', reason: `${url.pathname} not found` }, status: 404 });
  }

  /** Listen on 127.0.0.1, a free port; returns the base URL. */
  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          let raw: Buffer = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
          this.handle(req, res, raw.toString('utf8'));
        } catch (e) {
          res.writeHead(400, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
          res.end(JSON.stringify({ error: { type: 'parse_exception', reason: String(e) }, status: 400 }));
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

function info(): unknown {
  return {
    name: 'goneaway-bench',
    cluster_name: 'goneaway-bench',
    cluster_uuid: 'bench',
    version: {
      number: ES_VERSION,
      build_flavor: 'default',
      build_type: 'tar',
      lucene_version: '9.11.1',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

/** GET answers in Elasticsearch's shapes for what was PUT */
function shaped(parts: string[], body: unknown): unknown {
  const name = parts[parts.length - 1]!;
  if (parts[0] === '_index_template') return { index_templates: [{ name, index_template: body }] };
  if (parts[0] === '_component_template') return { component_templates: [{ name, component_template: body }] };
  if (parts[0] === '_ilm') return { [name]: { version: 1, modified_date: new Date(0).toISOString(), policy: body } };
  if (parts[0] === '_data_stream')
    return { data_streams: [{ name, timestamp_field: { name: '@timestamp' }, generation: 1, status: 'GREEN' }] };
  return body;
}

/**
 * Elasticsearch's `filter_path` response filter (docs/benchmark-agent.md "Elasticsearch answers"): comma-separated
 * dotted paths, `*` matching any one key; arrays are passed through (a path applies to their elements), and an
 * object left with no key is dropped. Enough for the sink's BULK_FILTER_PATH; `**` and `-` exclusions are not used.
 */
export function filterPath(value: unknown, paths: string): unknown {
  const out = pick(
    value,
    paths.split(',').map((p) => p.trim().split('.')),
  );
  return out === undefined ? {} : out;
}

function pick(v: unknown, patterns: string[][]): unknown {
  if (Array.isArray(v)) {
    const kept = v.map((x) => pick(x, patterns)).filter((x) => x !== undefined);
    return kept.length ? kept : undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, x] of Object.entries(v)) {
    const rest = patterns.filter((p) => p[0] === '*' || p[0] === k).map((p) => p.slice(1));
    if (!rest.length) continue;
    const whole = rest.some((p) => p.length === 0);
    const kept = whole ? x : pick(x, rest);
    if (kept === undefined) continue;
    out[k] = kept;
    any = true;
  }
  return any ? out : undefined;
}
