/** Shared test helpers for the MySQL parsers (not a test file itself). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseContext, ParseResult, Doc } from '../../../parsers/types.js';
import { makeZone } from '../../../parsers/zones.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', '..');
export const FIXTURES = path.join(REPO, 'test/fixtures/mysql');

export function ctx(zone = 'UTC', extra: Partial<ParseContext> = {}): ParseContext {
  return { zone: makeZone(zone), ...extra };
}

/** Split a file into records the way the pipeline does: a line either starts a record or continues the last one. */
export function assemble(content: string, isStart: (line: string) => boolean): string[] {
  const lines = content.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // the file's final newline
  const out: string[] = [];
  for (const line of lines) {
    if (out.length === 0 || isStart(line)) out.push(line);
    else out[out.length - 1] += '\n' + line;
  }
  return out;
}

export function readFixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** The doc of a successful parse (fails the test otherwise). */
export function docOf(r: ParseResult): Doc {
  if (!r.ok) throw new Error('parse failed: ' + JSON.stringify(r.issue));
  return r.value.doc;
}

/** doc.mysql as a loose record */
export function my(r: ParseResult): Record<string, any> {
  return docOf(r).mysql as Record<string, any>;
}
