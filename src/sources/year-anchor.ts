/**
 * The year of year-less syslog dates (RFC 3164 `Mar 12 10:38:59`) comes from the nearest record that has
 * one (docs/formats/syslog-year.md). After the first dated record the pipeline follows the records
 * themselves; this finds that first dated record for the lines before it (HAProxy's `Proxy … started.`
 * come before any traffic line), so they are not placed in the year of the file's mtime.
 */
import type { ParseContext } from '../../parsers/types.js';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../parsers/mysql/error.js';
import { readLines } from './lines.js';
import { stripContainerPrefix, type ContainerPrefix } from './container-prefix.js';

/** how far to look: a file whose first dated record is further away keeps the mtime as its bound */
const MAX_LINES = 100_000;

/**
 * The time of the first record of `path` that is dated on its own (its year from the line itself, not
 * from a reference), for the kinds whose lines may be year-less; undefined when none is found.
 */
export function firstDatedTime(
  path: string,
  kind: string,
  ctx: ParseContext,
  prefix: ContainerPrefix | undefined,
): number | undefined {
  if (kind !== 'haproxy' && kind !== 'mysql_error') return undefined;
  // without a reference, a year-less date gives no time: only records dated by themselves answer
  const own: ParseContext = { ...ctx, refTime: undefined, refTimeIsUpperBound: undefined };
  let n = 0;
  try {
    const raw = readLines(path);
    for (const l of prefix ? stripContainerPrefix(raw, prefix) : raw) {
      if (++n > MAX_LINES) break;
      let t: number | undefined;
      if (kind === 'haproxy') {
        const r = parseHaproxyLine(l.text, own);
        t = r.ok ? r.value.t : undefined;
      } else if (isMysqlErrorRecordStart(l.text)) {
        // a record's first line holds its date (continuations carry none)
        const r = parseMysqlErrorRecord(l.text, own);
        t = r.ok ? r.value.t : undefined;
      }
      if (t !== undefined && Number.isFinite(t)) return t;
    }
  } catch {
    return undefined; // unreadable: the caller's own read reports it
  }
  return undefined;
}
