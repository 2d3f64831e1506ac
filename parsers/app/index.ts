/**
 * App-log parser entry points (docs/documents.md "parsers/app/index.ts"): record grouping, lost-connection
 * detection + document, and user patterns. Pure; never throws (a last-resort guard turns an internal
 * error into a ParseIssue so one odd record cannot stop a pipeline).
 */
import type { AppOutcome, ParseContext } from '../types.js';
import type { Detection } from './model.js';
import { detectLost } from './detect.js';
import { buildRecord, NOT_OURS } from './record.js';
import { hibernatePair } from './java.js';
import type { CompiledAppPattern } from './custom.js';

export { isAppRecordStart } from './start.js';
export {
  compileAppPattern,
  appPatternSchema,
  APP_PATTERN_GROUPS,
  type AppPatternError,
  type CompiledAppPattern,
  type AppPatternConfig,
} from './custom.js';
export { detectLost, mayBeLost } from './detect.js';
export { signatureTable, LOST_ERRNO } from './signatures.js';
export { redactSqlLiterals } from './redact.js';
export { unparsedAppText, appRecordTime } from './record.js';
export type { Detection, LostClass, Language } from './model.js';

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/** Terminal colours (SGR `ESC[…m`) of pino-pretty, Spring Boot's console, winston's colorize: not text. */
const SGR = /\x1b\[[0-9;]*m/g;

function parseInner(raw: string, ctx: ParseContext): AppOutcome {
  const text = raw.indexOf('\x1b') >= 0 ? raw.replace(SGR, '') : raw;
  if (isBlank(text)) return { ok: false, issue: { code: 'empty', parser: 'app', message: 'empty record' } };
  const pats = ctx.appPatterns;
  if (pats !== undefined) {
    for (const p of pats) {
      if (typeof (p as CompiledAppPattern).parseApp === 'function') {
        const r = (p as CompiledAppPattern).parseApp(text, ctx);
        if (r !== undefined) return r;
      } else {
        const r = p.parse(text, ctx);
        if (r.ok) return r;
      }
    }
  }
  const det = detectLost(text);
  if (det === null) return NOT_OURS;
  const pair = hibernatePair(text);
  return pair ? buildPair(pair.rest, pair.sqlstate, ctx, det) : buildRecord(text, ctx, det);
}

/** Hibernate's two-line report: the message line is the record's header; the SQL Error line adds SQLSTATE. */
function buildPair(rest: string, sqlstate: string | undefined, ctx: ParseContext, det: Detection): AppOutcome {
  const r = buildRecord(rest, ctx, detectLost(rest) ?? { ...det, at: 0 });
  if (r.ok && r.value && sqlstate !== undefined) {
    const err = (r.value.doc.app as { error?: { sqlstate?: string } } | undefined)?.error;
    if (err && err.sqlstate === undefined) err.sqlstate = sqlstate;
  }
  return r;
}

/**
 * One app-log record (its lines joined with '\n') → an `app_error` document when it reports a
 * MySQL connection that died, `{ ok: true, value: null }` for any other record (INFO lines, SQL errors,
 * connect failures), or a ParseIssue (empty record, unreadable timestamp on a detected error).
 */
export function parseAppRecord(text: string, ctx: ParseContext): AppOutcome {
  try {
    return parseInner(text, ctx);
  } catch (e) {
    return {
      ok: false,
      issue: { code: 'no_match', parser: 'app', message: `internal error: ${(e as Error)?.message ?? String(e)}` },
    };
  }
}
