/**
 * The file identities the agent's document ids hash (src/sinks/doc-id.ts), kept in `agent.state_dir` across
 * restarts. A path's documents take the identity of the first file the agent saw at that path; after a
 * rotation the new file at the path keeps it. Held in memory only, a restart would compute the identity
 * from the file at the path now — the new one — and the lines read again from the checkpoints (the
 * correlation window holds them back) would be indexed a second time under other ids.
 *
 * The map is written when a path is first seen (temp file, fsync, rename), before any document with that
 * identity can be acknowledged. It is pruned (at start, and when a file is done with) of the paths where no
 * file exists any more and that no checkpoint or open file names: nothing will be read, or read again, under
 * them, and a file created there later is a new file (its identity is taken from it, as on a first run).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileIdentity, IdentityCache, identityOfText } from '../sinks/doc-id.js';
import { stateError } from './checkpoints.js';

export const IDENTITIES_FILE = 'doc-identities.json';

export class SavedIdentities extends IdentityCache {
  private readonly saved = new Map<string, string>();
  private readonly file: string;

  constructor(stateDir: string) {
    super();
    this.file = path.join(stateDir, IDENTITIES_FILE);
    let text: string | undefined;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw stateError(stateDir, e, undefined, 'document identities');
    }
    if (text === undefined) return;
    try {
      for (const [p, id] of Object.entries(JSON.parse(text) as Record<string, string>)) this.saved.set(p, id);
    } catch (e) {
      throw stateError(
        stateDir,
        e,
        `move ${this.file} away (documents re-sent after that may be indexed twice)`,
        'document identities',
      );
    }
  }

  override add(displayed: string, readable: string, label = ''): void {
    if (!this.saved.has(displayed)) this.set(displayed, fileIdentity(readable, label));
  }

  /** as add(), from the file's first bytes (read through the descriptor of the file being read) */
  addHead(displayed: string, head: Buffer, label = ''): void {
    if (!this.saved.has(displayed)) this.set(displayed, identityOfText(head, label));
  }

  override of(displayed: string): string {
    return this.saved.get(displayed) ?? this.set(displayed, fileIdentity(displayed));
  }

  /** Drops the paths with no file any more that `needed` does not keep; the number dropped. */
  prune(needed: (displayed: string) => boolean): number {
    let n = 0;
    for (const p of [...this.saved.keys()])
      if (!needed(p) && !existsSync(p)) {
        this.saved.delete(p);
        n++;
      }
    if (n) this.write();
    return n;
  }

  private set(displayed: string, id: string): string {
    this.saved.set(displayed, id);
    this.write();
    return id;
  }

  private write(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(Object.fromEntries(this.saved), null, 1) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
