/**
 * Deterministic document ids (docs/elasticsearch.md#ids). An id is derived from what identifies the
 * event, never from the clock or a counter, so indexing the same logs twice (a rerun, a retry after a
 * timeout, the CLI backfilling what the agent already sent) adds nothing: `create` answers 409.
 *
 * A file's identity is a hash of its first line (up to 1,024 bytes) of the text the pipeline reads,
 * decompressed: a copy, the rotated `haproxy.log.1` or `haproxy.log.2.gz` keep the identity and the
 * byte offsets of the live file. Two files can start with the same line (MariaDB's general-log header
 * `/usr/sbin/mariadbd, Version: … started with:`), so the id also hashes the record kind and the
 * record's own text. That is not enough for two MySQL servers' logs: replicas started in the same second
 * write the same header and the same first `Connect` lines at the same offsets, and one _id for two
 * records would lose one. Where the MySQL server a log belongs to is known (the agent's
 * `mysql.instances[].server`), its name is hashed into the identity (`label`).
 */
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

export const IDENTITY_BYTES = 1024;

/**
 * hash of the first line (without its newline, at most 1,024 bytes) of the text in `head`, and of the
 * source's `label` (a MySQL server's name) when there is one
 */
export function identityOfText(head: Buffer, label = ''): string {
  const nl = head.indexOf(10);
  let line = head.subarray(0, Math.min(nl < 0 ? head.length : nl, IDENTITY_BYTES));
  if (line.length && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
  const h = createHash('sha256');
  // unlabelled identities stay what they were (ids of documents already indexed do not change)
  if (label) h.update(`goneaway-source\0${label}\0`);
  return h.update(line).digest('base64url').slice(0, 22);
}

/** identity of a (decompressed, readable) file: what `readableInput` returns */
export function fileIdentity(path: string, label = ''): string {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(IDENTITY_BYTES);
    const n = readSync(fd, head, 0, IDENTITY_BYTES, 0);
    return identityOfText(head.subarray(0, n), label);
  } finally {
    closeSync(fd);
  }
}

/** crypto.hash where this Node has it (20.12 and later) */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;

/**
 * The id of the event that `text` at `offset` of the file `identity` gives. `kind` names what the
 * document is (`app_error` or `connection` verdict, or a record kind such as `haproxy`), so a verdict
 * and the record it came from never share an id.
 */
export function docId(identity: string, kind: string, offset: number, text: string): string {
  const head = `goneaway-v1\0${kind}\0${identity}\0${offset}\0`;
  // The same bytes hashed in one call: UTF-8 of the joined string is the two strings' UTF-8 one after the other (the
  // head ends in NUL, so no surrogate pair is formed across the join). `crypto.hash` (Node ≥ 20.12,
  // https://nodejs.org/api/crypto.html#cryptohashalgorithm-data-outputencoding) makes no Hash object: ~1 µs a
  // document where createHash took several (docs/benchmark-agent.md "CPU per line, 2026-12-07").
  if (oneShot) return oneShot('sha256', head + text, 'base64url').slice(0, 27);
  return createHash('sha256').update(head).update(text).digest('base64url').slice(0, 27);
}

/** file identities by the path the documents carry (log.file.path), computed once per file */
export class IdentityCache {
  private readonly byPath = new Map<string, string>();
  constructor(private readonly resolve: (displayed: string) => string | undefined = () => undefined) {}
  /** tells which readable file a displayed path is (spooled streams, decompressed archives), and its label */
  add(displayed: string, readable: string, label = ''): void {
    if (!this.byPath.has(displayed)) this.byPath.set(displayed, fileIdentity(readable, label));
  }
  of(displayed: string): string {
    let id = this.byPath.get(displayed);
    if (id === undefined) {
      id = fileIdentity(this.resolve(displayed) ?? displayed);
      this.byPath.set(displayed, id);
    }
    return id;
  }
}
