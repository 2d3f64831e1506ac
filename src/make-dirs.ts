/**
 * `mkdir -p` that cannot spin. Node 20's `fs.mkdirSync(dir, { recursive: true })` never returns for a path under
 * /proc (`/proc/nope`: measured with Node 20.20.2, 100 % CPU): its walk steps back to the parent on ENOENT and
 * forward again on EEXIST, and procfs answers ENOENT for a child of a directory that exists. Bun's walk had the
 * same loop (https://github.com/oven-sh/bun/pull/36162: "mkdirat(dangling/cache) = ENOENT, mkdirat(dangling) =
 * EEXIST … forever"); a dangling symlink does it too. Here the existing ancestor is found once, by `stat`, and
 * each missing level is made once, without `recursive`: any error is thrown as the system gives it (ENOENT,
 * EACCES, EROFS, ENOTDIR), which the callers turn into a coded error naming the key.
 */
import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Makes `dir` and its missing parents; returns the topmost directory it created, or undefined if none. */
export function makeDirs(dir: string): string | undefined {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ;) {
    try {
      if (statSync(p).isDirectory()) break;
      // a file where a directory is wanted: mkdir says so (EEXIST/ENOTDIR), as the recursive call did
      mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(p);
      const up = path.dirname(p);
      if (up === p) break;
      p = up;
    }
  }
  for (let i = missing.length - 1; i >= 0; i--)
    try {
      mkdirSync(missing[i]!);
    } catch (e) {
      // made meanwhile by someone else: what was wanted
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(missing[i]!).isDirectory()) throw e;
    }
  return missing.length ? missing[missing.length - 1] : undefined;
}
