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
import type { OutDoc, Position } from '../sink.js';
import type { ByteOut } from '../json-pieces.js';
import { writeTcplogNdjson } from '../tcplog-ndjson.js';
import { outDocId, streamFields, streamName, toOutDoc, type Dataset } from './streams.js';

/** the slab size: a turn's documents (~1 KB each) fill a few */
const SLAB = 1 << 20;
/** slabs kept for reuse: a turn's documents fill two or three, and two turns are held at once */
const SPARE_MAX = 4;

/** the slabs a turn's documents are in (`ByteArena.endTurn`), to give back once they are acknowledged */
export type TurnSlabs = readonly Buffer[];

/**
 * Documents written one after another into slabs; a document holds its slab. A turn's documents are acknowledged
 * together: `endTurn` names the slabs they are in, and `release` once they were acknowledged makes those no later
 * turn writes in reusable. A slab left to the GC was a fresh allocation for the next one: every page of it touched
 * for the first time (a page fault each, ~13 µs on this project's virtual machines, and the unit's
 * MALLOC_MMAP_THRESHOLD_ maps every slab anew), ~20 MB a second at 20,000 lines/s (docs/benchmark-agent.md
 * "Fresh pages, 2026-12-07"). A turn never released (a send that failed, after which the agent stops) keeps its
 * slabs counted, and so allocated, until the arena goes with its agent.
 */
export class ByteArena implements ByteOut {
  buf: Buffer = Buffer.allocUnsafe(SLAB);
  pos = 0;
  /** the slabs written since the last `endTurn` (the current one first) */
  private used: Buffer[] = [this.buf];
  /**
   * per slab, the turns whose documents are in it and are not released yet, the turn being written included: a
   * slab that an acknowledged turn shared with the turn being written is not free (it was, in a first version, as
   * soon as the writer had moved on to another slab, and the turn's documents there were overwritten)
   */
  private readonly turns = new Map<Buffer, number>([[this.buf, 1]]);
  private readonly spare: Buffer[] = [];

  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.buf = (bytes <= SLAB && this.spare.pop()) || Buffer.allocUnsafe(Math.max(SLAB, bytes));
    this.pos = 0;
    this.used.push(this.buf);
    this.turns.set(this.buf, 1);
  }

  /**
   * The slabs of the documents written since the last call, for `release` once those are acknowledged; the
   * current slab goes on into the next turn (which holds it too).
   */
  endTurn(): TurnSlabs {
    const slabs = this.used;
    this.used = [this.buf];
    this.turns.set(this.buf, (this.turns.get(this.buf) ?? 0) + 1);
    return slabs;
  }

  /** a turn's documents were acknowledged: nothing reads them any more (the sinks copy what they keep) */
  release(slabs: TurnSlabs): void {
    for (const s of slabs) {
      const n = (this.turns.get(s) ?? 1) - 1;
      if (n > 0) {
        this.turns.set(s, n);
        continue;
      }
      this.turns.delete(s);
      if (s.length === SLAB && this.spare.length < SPARE_MAX) this.spare.push(s);
    }
  }
}

/**
 * A document written as bytes in a slab of a ByteArena, as one object: the view of its bytes, its position and its
 * `_id` are made when they are read (BulkBody.add reads the bytes and the id once; the spool the position), not kept
 * as more objects while the document waits for its acknowledgement — which, at 20,000 lines/s, outlives several
 * scavenges: the views and positions were a sixth of what the agent promoted (docs/benchmark-agent.md "Documents as
 * one object, 2026-12-07"), the id strings (a slice of the hash's text, which it keeps) a tenth ("Ids in the slab,
 * 2026-12-07"). The id's bytes follow the document's in the slab: an id is ASCII (base64url), one byte a character.
 */
export class SlabDoc {
  readonly doc = undefined;
  constructor(
    readonly stream: string,
    private readonly slab: Buffer,
    private readonly from: number,
    private readonly to: number,
    private readonly idEnd: number,
    private readonly posFile: string,
    private readonly posOffset: number,
  ) {}
  get json(): Buffer {
    return this.slab.subarray(this.from, this.to);
  }
  get id(): string {
    return this.slab.toString('latin1', this.to, this.idEnd);
  }
  get position(): Position {
    return { file: this.posFile, offset: this.posOffset };
  }
}

/**
 * the document a writer just put in `arena` (begun at `start` of `slab`), with `tail` after it, and its id after
 * that, as a SlabDoc
 */
export function slabDoc(
  arena: ByteArena,
  slab: Buffer,
  start: number,
  tail: Buffer,
  stream: string,
  id: string,
  file: string,
  offset: number,
): OutDoc {
  const from = withTail(arena, slab, start, tail, id.length);
  const to = arena.pos;
  arena.pos += arena.buf.write(id, to, 'latin1');
  return new SlabDoc(stream, arena.buf, from, to, arena.pos, file, offset);
}

const DATASET = 'goneaway.records';
const tails = new Map<Dataset, Map<string, Buffer>>();

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
  const tail = dataStreamTail(DATASET, namespace);
  const slab = arena.buf;
  const start = arena.pos;
  writeTcplogNdjson(arena, p, rec.text, lastPathJson, rec.offset);
  const id = outDocId(DATASET, ids, rec.kind, rec.path, rec.offset, rec.text);
  return slabDoc(arena, slab, start, tail, streamName(DATASET, namespace), id, rec.path, rec.offset);
}

/**
 * The document a writer just put in `arena` as a line of its own (`{…}\n`, begun at `start` of `slab`), with its
 * closing `}` and newline replaced by `tail` (`,"data_stream":{…}}`): the bytes of `{ ...doc, data_stream }`, from the
 * offset returned to `arena.pos` of `arena.buf`, with room for `extra` bytes after them in the same slab.
 */
function withTail(arena: ByteArena, slab: Buffer, start: number, tail: Buffer, extra: number): number {
  // the writer reserves its own room first: it may have started a new slab, at 0
  let from = arena.buf === slab ? start : 0;
  arena.pos -= 2;
  if (arena.pos + tail.length + extra > arena.buf.length) {
    const doc = arena.buf.subarray(from, arena.pos);
    arena.reserve(doc.length + tail.length + extra);
    doc.copy(arena.buf, arena.pos);
    from = arena.pos;
    arena.pos += doc.length;
  }
  tail.copy(arena.buf, arena.pos);
  arena.pos += tail.length;
  return from;
}

/** `,"data_stream":{…}}` of a dataset and namespace: what toOutDoc's `{ ...doc, data_stream }` adds at the end */
export function dataStreamTail(dataset: Dataset, namespace: string): Buffer {
  // by dataset, then namespace: a key joined from the two was a new string to hash for every document
  let byNs = tails.get(dataset);
  if (!byNs) tails.set(dataset, (byNs = new Map()));
  let t = byNs.get(namespace);
  if (!t) byNs.set(namespace, (t = Buffer.from(`,"data_stream":${JSON.stringify(streamFields(dataset, namespace))}}`)));
  return t;
}
