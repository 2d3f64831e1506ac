/**
 * The agent writes a `connection` verdict's document for `logs-goneaway.verdicts-*` from the Correlator's draft as
 * bytes (verdict-bytes.ts). These tests hold it to what the object path sent before: the same `_id`, stream and
 * position, and the document byte for byte `JSON.stringify` of `toOutDoc`'s object, through runs of random drafts
 * in one arena (a document must not overwrite another's bytes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connectionDraft } from '../../../src/correlate/event.js';
import { RecommendationMemo } from '../../../src/correlate/event-recommendation.js';
import { Observations } from '../../../src/correlate/recommend.js';
import type { OutDoc } from '../../../src/sinks/sink.js';
import { ByteArena } from '../../../src/sinks/elasticsearch/record-bytes.js';
import { toOutDoc } from '../../../src/sinks/elasticsearch/streams.js';
import { verdictOutDoc } from '../../../src/sinks/elasticsearch/verdict-bytes.js';
import { connection } from '../draft-arbitraries.js';
import { bytesText, withIdentities } from './doc-identities.js';

test('property: a connection verdict as bytes is JSON.stringify of the object path’s document, same _id', () => {
  withIdentities((ids) => {
    fc.assert(
      fc.property(
        fc.array(connection, { minLength: 1, maxLength: 30 }),
        fc.constantFrom('default', 'ns"é'),
        (rs, ns) => {
          const obs = new Observations();
          const memo = new RecommendationMemo();
          const arena = new ByteArena();
          const got: Array<ReturnType<typeof verdictOutDoc>> = [];
          const want: Array<OutDoc & { doc: Record<string, unknown> }> = [];
          for (const { s, v, th, idle } of rs) {
            obs.add(v.cause, idle);
            const draft = connectionDraft({ s, v, th }, obs, undefined, memo);
            got.push(verdictOutDoc(ns, ids, draft, arena));
            want.push(toOutDoc('goneaway.verdicts', ns, ids, draft.toEvent(), 'connection'));
          }
          got.forEach(({ doc: g, cause, kind }, i) => {
            const w = want[i]!;
            assert.ok(g.json, 'a draft goes as bytes');
            assert.equal(g.id, w.id);
            assert.equal(g.stream, w.stream);
            assert.deepEqual(g.position, w.position);
            assert.equal(bytesText(g), JSON.stringify(w.doc));
            assert.equal(cause, rs[i]!.v.cause);
            assert.equal(kind, 'connection');
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

test('a draft with a field the bytes writer does not write, and an event object, go as their objects', () => {
  withIdentities((ids) => {
    const [r] = fc.sample(connection, { numRuns: 1, seed: 14 });
    const { s, v, th } = r!;
    const draft = connectionDraft(
      { s: { ...s, backendSource: { ip: '10.0.0.1', port: 4 } }, v, th },
      new Observations(),
      undefined,
    );
    const arena = new ByteArena();
    for (const e of [draft, draft.toEvent()]) {
      const { doc } = verdictOutDoc('default', ids, e, arena);
      assert.equal(doc.json, undefined);
      assert.deepEqual(doc, toOutDoc('goneaway.verdicts', 'default', ids, draft.toEvent(), 'connection'));
    }
  });
});
