/**
 * Which files an input names now: plain paths and globs (`/var/log/haproxy*.log`, `/srv/app/**\/*.log`),
 * expanded with tinyglobby (Node 20 has no fs.glob: it came in Node 22; docs/agent-inputs.md). Globs are
 * expanded again on every scan, so files that appear later are found; fs.watch on the directories only
 * makes a scan come sooner, polling is what guarantees it (inotify misses events on NFS and some mounts).
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** The sorted absolute paths of regular files the patterns match now (missing plain paths are left out). */
export async function expand(patterns: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of patterns) {
    const abs = path.resolve(p);
    if (!isDynamicPattern(abs)) {
      out.add(abs);
      continue;
    }
    for (const f of await glob(abs, { absolute: true, onlyFiles: true, dot: true })) out.add(path.resolve(f));
  }
  return [...out].sort();
}

/** The deepest directory of a pattern without glob characters: the one whose changes matter. */
export function staticBase(pattern: string): string {
  const abs = path.resolve(pattern);
  if (!isDynamicPattern(abs)) return path.dirname(abs);
  const parts = abs.split(path.sep);
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (isDynamicPattern(part)) break;
    fixed.push(part);
  }
  return fixed.join(path.sep) || path.sep;
}

/** Watches the base directories of `patterns`; `onChange` is called on any event. Errors are ignored. */
export function watchDirs(patterns: readonly string[], onChange: (event: string) => void): FSWatcher[] {
  const dirs = new Set(patterns.map(staticBase));
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      const w = watch(dir, { persistent: false }, (event) => onChange(event));
      // a watched directory that goes away: polling carries on
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // a directory that does not exist yet: the scans find its files once it does
    }
  }
  return watchers;
}
