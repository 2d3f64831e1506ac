/**
 * `--kind auto`: decide what a file is from its first lines. Each candidate kind is scored by
 * the share of sampled lines its own parser accepts; the best share wins, with ties broken in
 * the order haproxy, mysql-general, mysql-error, app (the more specific shapes first).
 */
import type { ParseContext } from '../../parsers/types.js';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../parsers/mysql/error.js';
import { isAppRecordStart } from '../../parsers/app/index.js';
import { isMysqlCrashReportLine } from '../../parsers/mysql/crash-report.js';
import { isGeneralTableFrame, isGeneralTableRowLine } from '../../parsers/mysql/general-table.js';
import { readLines } from './lines.js';
import { sniffContainerPrefix, withoutPrefix } from './container-prefix.js';
import type { LogKind } from './log-kind.js';

const SAMPLE_LINES = 200;
const GENERAL_HEADER =
  /^(?:\S.*, Version: .* started with:|Tcp port: \d+|TCP Port: \d+|Time\s+Id\s+Command\s+Argument)/;
const GENERAL_BODY =
  /^(?:\d{6} [ \d]\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?\t\t?\s*\d+ [A-Z][a-zA-Z ]+(?:\t|$)/;

export interface SniffResult {
  kind: LogKind;
  scores: Record<LogKind, number>;
  sampled: number;
}

/** a MySQL error record's first line has a date (its own or the envelope's); undated text is anyone's */
function datedMysqlError(line: string, ctx: ParseContext): boolean {
  const r = parseMysqlErrorRecord(line, ctx);
  return r.ok && r.value.t !== undefined;
}

export function sniffLines(lines: string[], ctx: ParseContext): SniffResult {
  const scores: Record<LogKind, number> = { haproxy: 0, mysql_general: 0, mysql_error: 0, app: 0 };
  let n = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (isGeneralTableFrame(line)) continue; // a dump's SQL statements and a client table's borders: no one's evidence
    n++;
    if (parseHaproxyLine(line, ctx).ok) scores.haproxy++;
    if (GENERAL_HEADER.test(line) || GENERAL_BODY.test(line) || isGeneralTableRowLine(line)) scores['mysql_general']++;
    else if (isMysqlErrorRecordStart(line) && datedMysqlError(line, ctx)) scores['mysql_error']++;
    // a crash report's lines carry no date of their own but are only ever the server's
    else if (isMysqlCrashReportLine(line)) scores['mysql_error']++;
    if (isAppRecordStart(line)) scores.app += 0.5; // app logs are mostly noise: weak evidence
  }
  const order: LogKind[] = ['haproxy', 'mysql_general', 'mysql_error', 'app'];
  let best: LogKind = 'app';
  let bestScore = 0;
  for (const k of order) {
    const share = n === 0 ? 0 : scores[k] / n;
    if (share > bestScore + 1e-9) {
      best = k;
      bestScore = share;
    }
  }
  // An HAProxy or MySQL verdict needs a real majority; otherwise it is an application log,
  // whose error records are found wherever they are.
  if (best !== 'app' && bestScore < 0.3) best = 'app';
  return { kind: best, scores, sampled: n };
}

export function sniffFile(path: string, ctx: ParseContext): SniffResult {
  const sample: string[] = [];
  for (const l of readLines(path)) {
    sample.push(l.text);
    if (sample.length >= SAMPLE_LINES) break;
  }
  // judged on the component's own lines: a `docker compose logs` prefix hides them
  const prefix = sniffContainerPrefix(sample, 'auto');
  return sniffLines(prefix ? sample.map((text) => withoutPrefix(text, prefix)) : sample, ctx);
}
