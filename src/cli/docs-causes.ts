/** `npm run docs:causes`: rewrite README.md's verdict table from src/correlate/causes.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { BEGIN, END, withCauseTable } from '../correlate/causes-readme.js';

const path = process.argv[2] ?? 'README.md';
const before = readFileSync(path, 'utf8');
const after = withCauseTable(before);
if (after === undefined) {
  process.stderr.write(`docs:causes: ${path} lacks the markers ${BEGIN} … ${END}; put them around the verdict table\n`);
  process.exit(1);
}
if (after !== before) writeFileSync(path, after);
process.stdout.write(`${path}: verdict table ${after === before ? 'already up to date' : 'rewritten'}\n`);
