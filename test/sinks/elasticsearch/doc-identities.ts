/**
 * The set-up the tests of the agent's document writers share (record-bytes, verdict-bytes): document identities
 * read from one real file whatever path a document shows (the ids hash its first line: src/sinks/doc-id.ts), and
 * the text of a document written as bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IdentityCache } from '../../../src/sinks/doc-id.js';
import type { OutDoc } from '../../../src/sinks/sink.js';

/** runs `f` with identities of a file made for it, removed afterwards */
export function withIdentities<T>(f: (ids: IdentityCache) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-docbytes-'));
  const file = path.join(dir, 'haproxy.log');
  writeFileSync(file, 'Nov 23 20:21:24 lb haproxy[1]: first line\n');
  try {
    return f(new IdentityCache(() => file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** a document's bytes as text (the document must have gone as bytes) */
export const bytesText = (d: OutDoc): string => Buffer.from(d.json!).toString('utf8');
