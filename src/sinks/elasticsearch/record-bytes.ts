/**
 * The agent's record documents (`agent.index_records`) for tcplog records, written as bytes: the document
 * `toOutDoc('goneaway.records', …)` would make of the record — its ECS document (ParsedRecord.doc) followed by
 * `data_stream` — with the byte writer of `goneaway parse` (src/sinks/tcplog-ndjson.ts), never built as objects.
 * Byte for byte `JSON.stringify` of the document the object path sends, under the same `_id`
 * (test/sinks/elasticsearch/record-bytes.test.ts).
 *
 * Why: in a CPU profile of the agent, building every record's document, copying it (`toOutDoc`) and
 * `JSON.stringify`ing it, with the garbage of ~20 objects per line, was most of what a line cost beyond
 * parsing and correlating it (docs/benchmark-agent.md "CPU per line"). A record whose document was built
 * already (something read or annotated it) goes the object way, as in `goneaway parse` (record-ndjson.ts).
 */
import { TcpLogRecord } from '../../../parsers/haproxy/tcp-record.js';
import type { ParsedRecord } from '../../pipeline/record.js';
import type { IdentityCache } from '../doc-id.js';
import type { OutDoc } from '../sink.js';
import { writeTcplogNdjson, type ByteOut } from '../tcplog-ndjson.js';
import { outDocId, streamFields, streamName, toOutDoc } from './streams.js';

/** the slab size: a turn's documents (~1 KB each) fill a few */
const SLAB = 1 << 20;
/** slabs kept for reuse: a turn's documents fill two or three, and two turns are held at once */
const SPARE_MAX = 4;

/** the slabs a turn's documents view (`ByteArena.endTurn`), to give back once they are acknowledged */
export type TurnSlabs = readonly Buffer[];

/**
 * Documents written one after another into slabs; a document is a view of its slab. A turn's documents are
 * acknowledged together: `endTurn` names the slabs they view, and `release` once they were acknowledged makes
 * those no later turn writes in reusable. Left to the GC instead, a slab outlived young-generation collections
 * (a turn is in flight for a second or so) and stayed allocated until V8's next full collection: at 20,000
 * lines/s ~20 MB a second of array buffers waiting for one (docs/benchmark-agent.md "Memory, session 15"). A
 * turn never released (the agent stopping, a send that failed) leaves its slabs to the GC, as before.
 */
export class ByteArena implements ByteOut {
  buf: Buffer = Buffer.allocUnsafe(SLAB);
  pos = 0;
  /** the slabs written since the last `endTurn` (the current one first) */
  private used: Buffer[] = [this.buf];
  /** per slab, the turns whose documents view it and are not released yet (the current slab: also the turn being
   *  written) */
  private readonly turns = new Map<Buffer, number>();
  private readonly spare: Buffer[] = [];

  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.buf = (bytes <= SLAB && this.spare.pop()) || Buffer.allocUnsafe(Math.max(SLAB, bytes));
    this.pos = 0;
    this.used.push(this.buf);
  }

  /** the slabs of the documents written since the last call; the current slab goes on into the next turn */
  endTurn(): TurnSlabs {
    const slabs = this.used;
    for (const s of slabs) this.turns.set(s, (this.turns.get(s) ?? 0) + 1);
    this.used = [this.buf];
    return slabs;
  }

  /** a turn's documents were acknowledged: nothing reads them any more (the sink copied or sent them) */
  release(slabs: TurnSlabs): void {
    for (const s of slabs) {
      const n = (this.turns.get(s) ?? 1) - 1;
      if (n > 0) {
        this.turns.set(s, n);
        continue;
      }
      this.turns.delete(s);
      if (s !== this.buf && s.length === SLAB && this.spare.length < SPARE_MAX) this.spare.push(s);
    }
  }
}

const DATASET = 'goneaway.records';
/** `,"data_stream":{…}}` per namespace: what toOutDoc's `{ ...doc, data_stream }` adds at the end */
const tails = new Map<string, Buffer>();
function tailOf(namespace: string): Buffer {
  let t = tails.get(namespace);
  if (!t)
    tails.set(namespace, (t = Buffer.from(`,"data_stream":${JSON.stringify(streamFields(DATASET, namespace))}}`)));
  return t;
}

let lastPath = '';
let lastPathJson = '""';

/**
 * The record's document for `logs-goneaway.records-<namespace>`: as bytes in `arena` when it is a tcplog record
 * whose document was never built, else as toOutDoc makes it.
 */
export function recordOutDoc(namespace: string, ids: IdentityCache, rec: ParsedRecord, arena: ByteArena): OutDoc {
  const p = rec.parsed;
  if (!(p instanceof TcpLogRecord) || !p.pristine) return toOutDoc(DATASET, namespace, ids, rec.doc, rec.kind);
  if (rec.path !== lastPath) [lastPath, lastPathJson] = [rec.path, JSON.stringify(rec.path)];
  const tail = tailOf(namespace);
  const slab = arena.buf;
  const start = arena.pos;
  writeTcplogNdjson(arena, p, rec.text, lastPathJson, rec.offset);
  // the writer reserves its own room first: it may have started a new slab, at 0
  let from = arena.buf === slab ? start : 0;
  // it ends the document with `}\n`: the data_stream tail replaces both bytes
  arena.pos -= 2;
  if (arena.pos + tail.length > arena.buf.length) {
    const doc = arena.buf.subarray(from, arena.pos);
    arena.reserve(doc.length + tail.length);
    doc.copy(arena.buf, arena.pos);
    from = arena.pos;
    arena.pos += doc.length;
  }
  tail.copy(arena.buf, arena.pos);
  arena.pos += tail.length;
  return {
    stream: streamName(DATASET, namespace),
    id: outDocId(DATASET, ids, rec.kind, rec.path, rec.offset, rec.text),
    json: arena.buf.subarray(from, arena.pos),
    position: { file: rec.path, offset: rec.offset },
  };
}
