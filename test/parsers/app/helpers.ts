/** Shared helpers for the app-log parser tests (not a test file itself). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { isAppRecordStart, parseAppRecord } from '../../../parsers/app/index.js';
import { makeZone } from '../../../parsers/zones.js';
import type { AppOutcome, Doc, ParseContext } from '../../../parsers/types.js';

// dist/test/parsers/app/ → repo root is 4 levels up
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..', 'test/fixtures/app');

export const UTC: ParseContext = { zone: makeZone('UTC') };

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Group lines into records with isAppRecordStart, as the pipeline does (cap 500 lines / 64 KiB). */
export function groupRecords(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const l of lines) {
    if (cur.length > 0 && (isAppRecordStart(l, cur[cur.length - 1]) || cur.length >= 500 || bytes + l.length > 65536)) {
      out.push(cur.join('\n'));
      cur = [];
      bytes = 0;
    }
    cur.push(l);
    bytes += l.length + 1;
  }
  if (cur.length > 0) out.push(cur.join('\n'));
  return out;
}

export interface FileResult {
  records: string[];
  results: AppOutcome[];
  docs: Array<Doc | null>;
}

export function parseFile(name: string, ctx: ParseContext = UTC): FileResult {
  const records = groupRecords(fixture(name));
  const results = records.map((r) => parseAppRecord(r, ctx));
  for (const [i, r] of results.entries()) assert.ok(r.ok, `record ${i} of ${name} gave an issue: ${JSON.stringify(r)}`);
  const docs = results.map((r) => (r.ok && r.value ? r.value.doc : null));
  return { records, results, docs };
}

/** The document of the (only) record containing `needle`; fails when none or several contain it. */
export function docFor(f: FileResult, needle: string): Doc | null {
  const idx = f.records.map((r, i) => (r.includes(needle) ? i : -1)).filter((i) => i >= 0);
  assert.equal(idx.length, 1, `expected exactly one record containing ${JSON.stringify(needle)}, got ${idx.length}`);
  return f.docs[idx[0]!]!;
}

/** Nested field access: get(doc, 'app.error.class') */
export function get(doc: Doc | null, dotted: string): unknown {
  let v: unknown = doc;
  for (const k of dotted.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** Parse one record text with UTC and return its document (asserting ok) */
export function one(text: string, ctx: ParseContext = UTC): Doc | null {
  const r = parseAppRecord(text, ctx);
  assert.ok(r.ok, `issue: ${JSON.stringify(r)}`);
  return r.value ? r.value.doc : null;
}
