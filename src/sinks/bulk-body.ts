/**
 * The body of a `_bulk` request as bytes: per document a `create` action line with its data stream and `_id`,
 * then the document, each line ending in a newline
 * (https://www.elastic.co/guide/en/elasticsearch/reference/8.15/docs-bulk.html). The Elasticsearch sink sends it
 * as one Buffer (the client passes a Buffer through untouched: @elastic/transport 8 `shouldSerialize`), the
 * NDJSON files sink writes it as it is.
 *
 * Why bytes: the agent's tcplog record documents come already written (OutDoc.json) and are copied in; before,
 * every document was an object that `JSON.stringify` turned into a string, then the client joined the strings
 * and the HTTP layer encoded the joined string once more (docs/benchmark-agent.md "CPU per line"). A document
 * given as an object is still `JSON.stringify`d, straight into the buffer. The lines are byte for byte what
 * `JSON.stringify({ create: { _index, _id } })` and `JSON.stringify(doc)` give (test/sinks/bulk-body.test.ts).
 */
import type { OutDoc } from './sink.js';
import { str, type Buf, type ByteOut } from './json-pieces.js';

type RawBuffer = Buf & { utf8Write(s: string, off: number): number };

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const ACTION_END = enc('}}\n');
/** `{"create":{"_index":"STREAM","_id":` per stream (a handful) */
const actionHeads = new Map<string, Buffer>();
function actionHead(stream: string): Buffer {
  let h = actionHeads.get(stream);
  if (!h) actionHeads.set(stream, (h = enc(`{"create":{"_index":${JSON.stringify(stream)},"_id":`)));
  return h;
}

/**
 * The buffers of bodies done with (`recycle`), for the next bodies. A body's buffer was a new one of a megabyte or
 * more per request, doubled as it filled: it outlived a few young-generation collections while its request was out,
 * and as garbage in the old generation it stayed allocated until V8's next full collection — tens of megabytes of
 * the agent's RSS at 20,000 lines/s (docs/benchmark-agent.md "Memory: the line texts, the bulk bodies").
 */
const spare: Buffer[] = [];
/** at most this many kept: a request or two in flight, and the body being written */
const SPARE_MAX = 4;

export class BulkBody implements ByteOut {
  buf: Buffer;
  pos = 0;
  /** where each document's action line starts, in the order added */
  private readonly starts: number[] = [];

  /**
   * `initial`: the bytes the body is expected to reach. The Elasticsearch sink closes a body once it holds
   * `flush_bytes`, so it asks for that plus a document's room: a body grown by doubling from 1 MiB ended in an
   * 8 MiB buffer of which ~5 MB were used, and each spare kept 3 MiB for nothing. A spare smaller than `initial`
   * is left to the GC rather than grown by copying.
   */
  constructor(initial = 1 << 20) {
    const s = spare.pop();
    this.buf = s && s.length >= initial ? s : Buffer.allocUnsafe(initial);
  }

  /** The body is done with (sent and answered, or written): its buffer goes to a later body. Nothing may read the
   *  body, nor a view of it (`bytes`, `linesOf`), after this. */
  recycle(): void {
    if (spare.length < SPARE_MAX && this.buf.length) spare.push(this.buf);
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.starts.length = 0;
  }

  /** room for `bytes` more: the buffer doubles (copied) when it must */
  reserve(bytes: number): void {
    const need = this.pos + bytes;
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, 2 * this.buf.length));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Appends a document's action line and the document. */
  add(d: OutDoc): void {
    this.starts.push(this.pos);
    const head = actionHead(d.stream);
    this.reserve(head.length + 2 + 6 * d.id.length + ACTION_END.length);
    head.copy(this.buf, this.pos);
    this.pos = str(this.buf as Buf, this.pos + head.length, d.id);
    ACTION_END.copy(this.buf, this.pos);
    this.pos += ACTION_END.length;
    // read once: a SlabDoc's bytes are a view made when read (record-bytes.ts)
    const json = d.json;
    if (json) {
      this.reserve(json.length + 1);
      this.buf.set(json, this.pos);
      this.pos += json.length;
    } else {
      const s = JSON.stringify(d.doc);
      // UTF-8 takes at most 3 bytes per UTF-16 unit
      this.reserve(3 * s.length + 1);
      this.pos += (this.buf as RawBuffer).utf8Write(s, this.pos);
    }
    this.buf[this.pos++] = 10;
  }

  /** Appends the lines of document `i` of another body as they are (a document sent again). */
  addFrom(other: BulkBody, i: number): void {
    const part = other.linesOf(i);
    this.starts.push(this.pos);
    this.reserve(part.length);
    this.buf.set(part, this.pos);
    this.pos += part.length;
  }

  /** the action and document lines of document `i` */
  linesOf(i: number): Buffer {
    return this.buf.subarray(this.starts[i]!, this.starts[i + 1] ?? this.pos);
  }

  get count(): number {
    return this.starts.length;
  }

  /** the body so far (a view: valid until the next add) */
  get bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
