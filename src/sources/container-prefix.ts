/**
 * Logs collected from containers carry a prefix before the component's own line (docs/formats/containers.md):
 * - `docker compose logs` (v2 `service-1  | `, v1 `project_service_1  | `, coloured unless
 *   `--no-color`): the service name padded to the longest one, then `| `; a service with
 *   `container_name` set is shown by that name, without a replica number (`mysql  | `);
 * - `docker service logs` (swarm): `<service>.<slot>[.<task id>]@<node>    | `;
 * - `kubectl logs --prefix`: `[pod/haproxy-7d9f/haproxy] `;
 * - `docker logs --timestamps`: an RFC3339 nanosecond stamp and a space. HAProxy's own parser reads
 *   that stamp as an envelope (a `Server … is DOWN` line has no other date), so it is only removed
 *   for MySQL logs, whose records carry their own time and whose general-log continuation lines
 *   would otherwise not be recognised.
 * The prefix is sniffed per file from its first lines (a real majority must have it: an app line like
 * `ERROR | msg` must not pass for a container name) and removed before parsing. Each line's offset
 * moves past the prefix, so `log.offset` still points at the first byte of the record itself.
 */
import type { Line } from './lines.js';
import { readLines } from './lines.js';

export type ContainerPrefix = 'compose' | 'kubectl' | 'docker-timestamps' | 'swarm' | 'compose-named';

/**
 * An app's own `LEVEL | message` columns (`ERROR | …`, `INFO  | …`) have the shape of a compose prefix
 * whose name has no replica number: a level word is never taken for a container name.
 */
const LEVEL_COLUMN =
  /^(?:\x1b\[[\d;]*m)?(?:EMERG|EMERGENCY|ALERT|CRIT|CRITICAL|FATAL|ERROR|ERR|WARN|WARNING|NOTICE|INFO|DEBUG|TRACE|VERBOSE|SEVERE|FINE|LOG|PANIC)\s+\|/i;

const RULES: Array<{ name: ContainerPrefix; re: RegExp; kinds?: ReadonlySet<string> }> = [
  // the name ends in the replica number (`-1`, `_1`): what compose generates
  { name: 'compose', re: /^(?:\x1b\[[\d;]*m)?[A-Za-z0-9][\w.-]*[-_]\d+\s+\|(?:\x1b\[[\d;]*m)? ?/ },
  { name: 'kubectl', re: /^\[pod\/[^\]/\s]+\/[^\]\s]+\] / },
  // `docker service logs`: `web.1.x2z3abcd1234@node-1    | ` (`--no-task-ids` drops the task id,
  // `--no-resolve` shows ids for names); the `@<node>` before the bar is what only swarm writes
  {
    name: 'swarm',
    re: /^(?:\x1b\[[\d;]*m)?[A-Za-z0-9][\w-]*(?:\.[\w-]+){1,2}@[\w.:-]+\s+\|(?:\x1b\[[\d;]*m)? ?/,
  },
  // MySQL 5.7+/8's own error-log stamp is the same RFC3339 `…Z ` followed by the thread id and
  // `[Level]` (`2026-11-24T03:30:00.123456Z 0 [System] …`), or `UTC - ` on a crash line: that is
  // the record itself, never a docker prefix (it once merged a whole MySQL 8 log into 2 records).
  {
    name: 'docker-timestamps',
    re: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z (?=\S)(?!\d+ \[|UTC - )/,
    kinds: new Set(['mysql_error', 'mysql_general']),
  },
  // compose with `container_name:` — the name as given, padded, then ` | `. Tried last, and never a level
  // word (LEVEL_COLUMN): the majority rule alone would take an app's `WARN | …` column for a name.
  { name: 'compose-named', re: /^(?:\x1b\[[\d;]*m)?[A-Za-z0-9][\w.-]*\s+\|(?:\x1b\[[\d;]*m)? ?/ },
];

const SAMPLE = 50;
/** share of the sampled non-blank lines that must carry the prefix */
const MAJORITY = 0.8;

/** Which prefix the sampled lines carry, if a real majority of them do. */
export function sniffContainerPrefix(lines: string[], kind: string): ContainerPrefix | undefined {
  const sample = lines.filter((l) => l.trim() !== '').slice(0, SAMPLE);
  if (sample.length === 0) return undefined;
  for (const r of RULES) {
    if (r.kinds && kind !== 'auto' && !r.kinds.has(kind)) continue;
    let n = 0;
    for (const l of sample) if (r.re.test(l) && !(r.name === 'compose-named' && LEVEL_COLUMN.test(l))) n++;
    if (n / sample.length >= MAJORITY) return r.name;
  }
  return undefined;
}

const ruleOf = (p: ContainerPrefix) => RULES.find((x) => x.name === p)!.re;

/** A line's text without its container prefix (unchanged when it has none). */
export function withoutPrefix(text: string, p: ContainerPrefix): string {
  const m = ruleOf(p).exec(text);
  return m ? text.slice(m[0].length) : text;
}

/** Lines without their container prefix; offsets moved past it. Lines without one pass unchanged. */
export function* stripContainerPrefix(lines: Iterable<Line>, p: ContainerPrefix): Generator<Line> {
  const re = ruleOf(p);
  for (const l of lines) {
    const m = re.exec(l.text);
    if (!m) {
      yield l;
      continue;
    }
    const pre = m[0];
    yield { text: l.text.slice(pre.length), offset: l.offset + Buffer.byteLength(pre), lineNo: l.lineNo };
  }
}

/** Sniffs a file's first lines for a container prefix (for the given kind, `auto` = any). */
export function sniffFilePrefix(path: string, kind: string): ContainerPrefix | undefined {
  const sample: string[] = [];
  try {
    for (const l of readLines(path)) {
      if (l.text.trim() !== '') sample.push(l.text);
      if (sample.length >= SAMPLE) break;
    }
  } catch {
    return undefined; // unreadable: the caller's own read reports it
  }
  return sniffContainerPrefix(sample, kind);
}
