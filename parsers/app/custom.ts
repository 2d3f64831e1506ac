/**
 * User app-log formats (config `app.patterns[]`): `{ name, regex, time_format? }`, a JavaScript regex
 * with named groups, matched against the FIRST line of each record; the rest of the record (traceback,
 * stack) still counts for detection. Validation names the problem and the fix
 * (`{ key: 'app.patterns[0].regex', value, fix }`), and the zod schema gives the same messages.
 */
import { z } from 'zod';
import type { CompiledLineParser, ParseContext, ParseResult, AppOutcome } from '../types.js';
import { detectCode, detectLost } from './detect.js';
import { compileTimeFormat, type TimeParser } from './timefmt.js';
import { buildRecord, NOT_OURS } from './record.js';
import { normLevel, toInt, toPort, type Header } from './model.js';

export const APP_PATTERN_GROUPS = [
  'time',
  'code',
  'message',
  'sql',
  'local_port',
  'thread_id',
  'host',
  'port',
  'pid',
  'worker',
  'level',
] as const;
const KNOWN = new Set<string>(APP_PATTERN_GROUPS);

export interface AppPatternError {
  /** config path, e.g. `app.patterns[0].regex` */
  key: string;
  /** the offending value */
  value: string;
  /** what to do about it */
  fix: string;
  /** what is wrong (additive to the documents.md shape) */
  problem: string;
}

export interface CompiledAppPattern extends CompiledLineParser {
  /** undefined: the regex did not match this record (try the next parser) */
  parseApp(text: string, ctx: ParseContext): AppOutcome | undefined;
}

/** Named groups of a regex source (skips escapes, character classes and lookbehinds). */
export function namedGroups(src: string): string[] {
  const out: string[] = [];
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(' && src[i + 1] === '?' && src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') {
      const e = src.indexOf('>', i + 3);
      if (e > 0) out.push(src.slice(i + 3, e));
    }
  }
  return out;
}

type Pattern = { name: string; regex: string; time_format?: string };

export function compileAppPattern(p: Pattern, index?: number): CompiledAppPattern | { error: AppPatternError } {
  const base =
    index !== undefined ? `app.patterns[${index}]` : `app.patterns[name=${JSON.stringify(String(p?.name ?? ''))}]`;
  const err = (field: string, value: string, problem: string, fix: string) => ({
    error: { key: `${base}.${field}`, value, problem, fix },
  });
  if (typeof p !== 'object' || p === null)
    return err('regex', String(p), 'pattern is not an object', 'write { name, regex, time_format? }');
  if (typeof p.name !== 'string' || p.name.trim().length === 0)
    return err('name', String(p.name ?? ''), 'name is empty', 'give the pattern a short name (shown in reports)');
  if (typeof p.regex !== 'string' || p.regex.length === 0)
    return err(
      'regex',
      String(p.regex ?? ''),
      'regex is empty',
      'write a regular expression with a named group (?<message>…)',
    );
  if (p.regex.includes('(?P<')) {
    return err('regex', p.regex, 'Python-style named group (?P<name>…)', 'use JavaScript syntax (?<name>…)');
  }
  let re: RegExp;
  try {
    re = new RegExp(p.regex);
  } catch (e) {
    return err(
      'regex',
      p.regex,
      `invalid regular expression: ${(e as Error).message}`,
      'fix the syntax (JavaScript RegExp; inline flags like (?i) are not supported)',
    );
  }
  const groups = namedGroups(p.regex);
  const unknown = groups.filter((g) => !KNOWN.has(g));
  if (unknown.length > 0) {
    return err(
      'regex',
      p.regex,
      `unknown named group (?<${unknown[0]}>…)`,
      `rename it to one of: ${APP_PATTERN_GROUPS.join(', ')} (or make it unnamed)`,
    );
  }
  if (!groups.includes('message') && !groups.includes('code')) {
    return err(
      'regex',
      p.regex,
      'no (?<message>…) or (?<code>…) group: nothing to detect a lost connection in',
      'add a named group (?<message>…) around the error text',
    );
  }
  let timeParse: TimeParser | undefined;
  if (p.time_format !== undefined) {
    if (typeof p.time_format !== 'string')
      return err(
        'time_format',
        String(p.time_format),
        'time_format is not a string',
        "use 'iso', 'epoch_ms', 'epoch_s' or tokens like yyyy-MM-dd HH:mm:ss.SSS",
      );
    if (!groups.includes('time'))
      return err(
        'time_format',
        p.time_format,
        'time_format given but the regex has no (?<time>…) group',
        'add a named group (?<time>…) around the timestamp, or remove time_format',
      );
    const tf = compileTimeFormat(p.time_format);
    if ('error' in tf) return err('time_format', p.time_format, tf.error, tf.fix);
    timeParse = tf.parse;
  } else if (groups.includes('time')) {
    const iso = compileTimeFormat('iso'); // every stamp stamp.ts knows
    if ('parse' in iso) timeParse = iso.parse;
  }
  const name = p.name;

  const parseApp = (text: string, ctx: ParseContext): AppOutcome | undefined => {
    let nl = text.indexOf('\n');
    if (nl < 0) nl = text.length;
    const first = text.charCodeAt(nl - 1) === 13 ? text.slice(0, nl - 1) : text.slice(0, nl);
    const m = re.exec(first);
    if (!m) return undefined;
    const g = m.groups ?? {};
    const rest = text.slice(nl);
    let det = g.code !== undefined ? detectCode(g.code) : null;
    // a numeric code the user extracted that is not a lost-connection errno (1062…) decides alone
    if (!det && g.code !== undefined && /^\s*\d+\s*$/.test(g.code)) return NOT_OURS;
    if (!det) det = detectLost(g.message !== undefined ? g.message + rest : text);
    if (!det) return NOT_OURS;
    let t: number | undefined;
    if (g.time !== undefined && timeParse) {
      t = timeParse(g.time, ctx);
      if (t === undefined) {
        return {
          ok: false,
          issue: {
            code: 'bad_timestamp',
            parser: `app:${name}`,
            message: `time "${g.time}" does not match time_format`,
            value: g.time,
          },
        };
      }
    }
    const header: Header = {
      format: `custom:${name}`,
      t,
      level: normLevel(g.level),
      worker: g.worker || undefined,
      pid: toInt(g.pid),
      msg: (g.message ?? first).trim(),
    };
    const db = {
      local_port: toPort(g.local_port),
      thread_id: toInt(g.thread_id),
      host: g.host || undefined,
      port: toPort(g.port),
    };
    return buildRecord(text, ctx, det, { header, db, sql: g.sql || undefined, message: g.message });
  };

  return {
    name,
    parseApp,
    parse(payload: string, ctx: ParseContext): ParseResult {
      const r = parseApp(payload, ctx);
      if (r === undefined)
        return { ok: false, issue: { code: 'no_match', parser: `app:${name}`, message: 'regex did not match' } };
      if (r.ok && r.value === null)
        return {
          ok: false,
          issue: { code: 'no_match', parser: `app:${name}`, message: 'matched, but not a lost-connection error' },
        };
      return r as ParseResult;
    },
  };
}

/**
 * zod schema of one `app.patterns[]` entry; the refinement runs compileAppPattern so config validation
 * and compilation report the same problem and fix (the issue path ends in the offending field).
 */
export const appPatternSchema = z
  .object({
    name: z.string().min(1, 'name is empty'),
    regex: z.string().min(1, 'regex is empty'),
    time_format: z.string().optional(),
  })
  .strict()
  .superRefine((p, zctx) => {
    const r = compileAppPattern(p);
    if ('error' in r) {
      const field = r.error.key.slice(r.error.key.lastIndexOf('.') + 1);
      zctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: `${r.error.problem}; fix: ${r.error.fix}` });
    }
  });

export type AppPatternConfig = z.infer<typeof appPatternSchema>;
