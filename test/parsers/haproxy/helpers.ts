/** Shared test helpers for the HAProxy parsers (not a test file itself). */
import assert from 'node:assert/strict';
import { parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { makeZone } from '../../../parsers/zones.js';
import type { Doc, ParseContext, Parsed } from '../../../parsers/types.js';

export const UTC: ParseContext = { zone: makeZone('UTC') };

/** a dotted field of a parsed document (`haproxy.server_state.reason`) */
export const get = (d: Doc, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((o, k) => (o as Doc | undefined)?.[k], d);

/** the record of a line that must parse; the parser's issue otherwise fails the test */
export function ok(line: string, ctx: ParseContext = UTC): Parsed {
  const r = parseHaproxyLine(line, ctx);
  if (!r.ok) assert.fail(`expected a record for ${line}: ${JSON.stringify(r.issue)}`);
  return r.value;
}
