/**
 * One in-process parsing measurement, run in its own child process so that peak RSS
 * (process.resourceUsage().maxRSS) belongs to this measurement only.
 *
 *   node dist/bench/worker.js <haproxy|mysql_error|mysql_general|lines> <file>
 * (`lines` = reading and splitting only: the floor under every other figure)
 *
 * Runs the product's reading path (src/pipeline/parse-file.ts: the chunked line reader, container-prefix
 * sniffing, multi-line assembly and the parsers), builds every record and writes nothing. Prints one
 * JSON object (WorkerResult) on stdout; never throws.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export type WorkerWhat = 'haproxy' | 'mysql_error' | 'mysql_general' | 'lines';

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

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const imp = (p: string) => import(pathToFileURL(path.join(REPO, 'dist', p)).href);

/** how many lines the file has (counted outside the timed part: the figures are per line) */
async function countLines(file: string): Promise<number> {
  const { readLines } = await imp('src/sources/lines.js');
  let n = 0;
  for (const line of readLines(file) as Iterable<unknown>) if (line) n++;
  return n;
}

export async function measure(what: WorkerWhat, file: string): Promise<WorkerResult> {
  let pipeline: { parseFile: (...a: unknown[]) => Iterable<{ kind: string }>; newCounts: (...a: unknown[]) => unknown };
  let readLines: (file: string) => Iterable<unknown>;
  let ctx: unknown;
  try {
    pipeline = await imp('src/pipeline/parse-file.js');
    readLines = (await imp('src/sources/lines.js')).readLines;
    const zones = await imp('parsers/zones.js');
    // UTC like the generators; refTime pins year-less syslog dates (types.ts ParseContext)
    ctx = { zone: zones.makeZone('UTC'), zoneGiven: true, refTime: Date.UTC(2026, 10, 23) };
  } catch (e) {
    return {
      ok: false,
      what,
      file,
      reason: `product module not loadable (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
    };
  }
  const bytes = (await stat(file)).size;
  const lines = await countLines(file);
  let records = 0,
    parsed = 0,
    failed = 0;
  const t0 = process.hrtime.bigint();
  if (what === 'lines') {
    for (const line of readLines(file)) if (line) records++;
    parsed = records;
  } else {
    // the product's own reading path: chunked reader, container-prefix sniffing, multi-line assembly,
    // parsers, records (src/pipeline/parse-file.ts), as `goneaway parse` runs it, minus the output
    for (const rec of pipeline.parseFile(file, what, ctx, pipeline.newCounts(file, what))) {
      records++;
      if (rec.kind === 'unparsed') failed++;
      else parsed++;
    }
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
  if (!file || !['haproxy', 'mysql_error', 'mysql_general', 'lines'].includes(what ?? '')) {
    r = {
      ok: false,
      what: what ?? '',
      file: file ?? '',
      reason: 'usage: worker.js <haproxy|mysql_error|mysql_general|lines> <file>',
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
