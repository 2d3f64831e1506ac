/**
 * One in-process parsing measurement, run in its own child process so that peak RSS
 * (process.resourceUsage().maxRSS) belongs to this measurement only.
 *
 *   node dist/bench/worker.js <haproxy|mysql-error|mysql-general|lines> <file>
 * (`lines` = reading and splitting only: the floor under every other figure)
 *
 * Reads the file in 1 MiB chunks with a hand splitter (no readline), groups multi-line MySQL
 * records with the parsers' own record-start predicates (CONTRACTS.md), builds every record and
 * writes nothing. Prints one JSON object (WorkerResult) on stdout; never throws.
 */
import { createReadStream } from 'node:fs';
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export type WorkerWhat = 'haproxy' | 'mysql-error' | 'mysql-general' | 'lines';

export type WorkerResult =
  | {
      ok: true;
      what: WorkerWhat;
      file: string;
      bytes: number;
      lines: number;
      records: number;
      parsed: number;
      failed: number;
      ms: number;
      maxRssMB: number;
    }
  | { ok: false; what: string; file: string; reason: string };

/** Parser entry points, loaded at run time so the bench still runs (and says why) without them. */
interface Parsers {
  ctx: unknown;
  parseLine?: (line: string, ctx: never) => { ok: boolean };
  isStart?: (line: string) => boolean;
  parseRecord?: (text: string, ctx: never) => { ok: boolean };
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function load(what: WorkerWhat): Promise<Parsers> {
  if (what === 'lines') return { ctx: undefined, parseLine: () => ({ ok: true }) };
  const imp = (p: string) => import(pathToFileURL(path.join(REPO, 'dist', p)).href);
  const time = await imp('parsers/time.js');
  // UTC like the generators; refTime pins year-less syslog dates (types.ts ParseContext)
  const ctx = { zone: time.makeZone('UTC'), refTime: Date.UTC(2026, 10, 23) };
  if (what === 'haproxy') {
    const m = await imp('parsers/haproxy/index.js');
    return { ctx, parseLine: m.parseHaproxyLine };
  }
  if (what === 'mysql-error') {
    const m = await imp('parsers/mysql/error.js');
    return { ctx, isStart: m.isMysqlErrorRecordStart, parseRecord: m.parseMysqlErrorRecord };
  }
  const m = await imp('parsers/mysql/general.js');
  const state = m.newGeneralLogState();
  return {
    ctx,
    isStart: m.isMysqlGeneralRecordStart,
    parseRecord: (text: string, c: never) => m.parseMysqlGeneralRecord(text, c, state),
  };
}

/**
 * Calls onLine for every line of the file (without '\n' / '\r'), streaming. Chunks that are pure
 * ASCII (almost every log) are decoded as latin1, which is byte-for-byte the same text and skips
 * the UTF-8 decoder; other chunks go through a StringDecoder (split characters are carried over).
 */
export async function eachLine(file: string, onLine: (line: string) => void): Promise<number> {
  let rest = '';
  let lines = 0;
  const dec = new StringDecoder('utf8');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    const text = isAscii(buf) ? buf.toString('latin1') : dec.write(buf);
    const s = rest.length ? rest + text : text;
    let start = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', start)) {
      const end = nl > start && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(s.slice(start, end));
      lines++;
      start = nl + 1;
    }
    rest = s.slice(start);
  }
  rest += dec.end();
  if (rest) {
    onLine(rest);
    lines++;
  }
  return lines;
}

export async function measure(what: WorkerWhat, file: string): Promise<WorkerResult> {
  let p: Parsers;
  try {
    p = await load(what);
  } catch (e) {
    return {
      ok: false,
      what,
      file,
      reason: `parser module not loadable (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
    };
  }
  const bytes = (await stat(file)).size;
  let records = 0,
    parsed = 0,
    failed = 0;
  const ctx = p.ctx as never;
  const t0 = process.hrtime.bigint();
  let lines: number;
  if (p.parseLine) {
    const parse = p.parseLine;
    lines = await eachLine(file, (line) => {
      if (!line) return;
      records++;
      if (parse(line, ctx).ok) parsed++;
      else failed++;
    });
  } else {
    const isStart = p.isStart!,
      parse = p.parseRecord!;
    let cur: string | undefined;
    const flush = () => {
      if (cur === undefined) return;
      records++;
      if (parse(cur, ctx).ok) parsed++;
      else failed++;
      cur = undefined;
    };
    lines = await eachLine(file, (line) => {
      if (isStart(line)) {
        flush();
        cur = line;
      } else cur = cur === undefined ? line : cur + '\n' + line; // continuation (or text before the first record)
    });
    flush();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    ok: true,
    what,
    file,
    bytes,
    lines,
    records,
    parsed,
    failed,
    ms,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

async function main(): Promise<void> {
  const [what, file] = process.argv.slice(2);
  let r: WorkerResult;
  if (!file || !['haproxy', 'mysql-error', 'mysql-general', 'lines'].includes(what ?? '')) {
    r = {
      ok: false,
      what: what ?? '',
      file: file ?? '',
      reason: 'usage: worker.js <haproxy|mysql-error|mysql-general|lines> <file>',
    };
  } else {
    try {
      r = await measure(what as WorkerWhat, file);
    } catch (e) {
      r = { ok: false, what: what!, file, reason: e instanceof Error ? e.message : String(e) };
    }
  }
  process.stdout.write(JSON.stringify(r) + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
