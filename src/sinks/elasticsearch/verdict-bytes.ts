/**
 * The agent's verdict documents for `connection` events, written as bytes: the document `toOutDoc('goneaway.verdicts',
 * …)` would make of the event — `JSON.stringify` of `{ ...draft.toEvent(), data_stream }` — by the NDJSON writer of
 * `goneaway correlate` (src/sinks/event-bytes.ts) from the Correlator's draft, never built as objects. Same bytes,
 * same `_id` (test/sinks/elasticsearch/verdict-bytes.test.ts).
 *
 * Why: at 20,000 lines/s the bench's agent decides ~2,000 closures a second; each event was ~12 objects and 4 time
 * strings, copied by toOutDoc and `JSON.stringify`d into the bulk body (BulkBody.add): most of what the body cost
 * once the records went as bytes (docs/benchmark-agent.md "CPU per line, 2026-12-07"). A draft the writer does not
 * take (a field it does not write) and every other event go the object way.
 */
import { ConnectionDraft, asEvent, type Emitted } from '../../correlate/event.js';
import { writeConnection } from '../event-bytes.js';
import type { IdentityCache } from '../doc-id.js';
import type { OutDoc } from '../sink.js';
import { dataStreamTail, slabDoc, type ByteArena } from './record-bytes.js';
import { outDocId, streamName, toOutDoc } from './streams.js';

const DATASET = 'goneaway.verdicts';

/** the document of an event the Correlator emitted, for `logs-goneaway.verdicts-<namespace>`, and its cause */
export function verdictOutDoc(
  namespace: string,
  ids: IdentityCache,
  e: Emitted,
  arena: ByteArena,
): { doc: OutDoc; cause: string; kind: string } {
  if (e instanceof ConnectionDraft) {
    const slab = arena.buf;
    const start = arena.pos;
    if (writeConnection(arena, e)) {
      const ev = e.s.ev;
      // toOutDoc's: log.file.path, log.offset and event.original of the event are the session's line
      const id = outDocId(DATASET, ids, 'connection', ev.file, ev.offset, ev.text);
      const tail = dataStreamTail(DATASET, namespace);
      return {
        doc: slabDoc(arena, slab, start, tail, streamName(DATASET, namespace), id, ev.file, ev.offset),
        cause: e.v.cause,
        kind: 'connection',
      };
    }
  }
  const ev = asEvent(e);
  const ga = ev.goneaway;
  return { doc: toOutDoc(DATASET, namespace, ids, ev, ga.kind), cause: ga.cause, kind: ga.kind };
}
