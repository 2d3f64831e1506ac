/**
 * A file of the agent's state (`agent.state_dir`) replaced atomically and durably: written to a temporary file,
 * fsync'ed, renamed over the old one, and the directory fsync'ed, so a crash leaves the old or the new text, never a
 * torn one (checkpoints.ts); and the error saying the state directory cannot be used.
 */
import { open, rename } from 'node:fs/promises';
import path from 'node:path';
import { GoneawayError } from '../errors.js';

/** Replaces `dir`/`name` with `text`; once this resolves, the new text survives a crash. */
export async function writeDurably(dir: string, name: string, text: string): Promise<void> {
  const file = path.join(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  // the rename itself is durable only once the directory is synced
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** the agent's state (its `what`: checkpoints, document identities) in `dir` cannot be read or written */
export function stateError(dir: string, cause: unknown, fix?: string, what = 'checkpoints'): GoneawayError {
  return new GoneawayError('GA_ERR_STATE_DIR', `the agent's ${what} in ${dir} cannot be used: ${String(cause)}`, {
    key: 'agent.state_dir',
    value: dir,
    fix: fix ?? 'give agent.state_dir a directory the agent can create, write and fsync',
    cause,
  });
}
