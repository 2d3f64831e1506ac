/** A progress bar on stderr for long inputs, only when stderr is a terminal (never in pipes or CI logs). */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';

const MIN_BYTES = 20 * 1024 * 1024;

export interface Progress {
  update(path: string): ((read: number, size: number) => void) | undefined;
  stop(): void;
}

export function progressFor(files: string[]): Progress {
  let total = 0;
  for (const f of files) {
    try {
      total += statSync(f).size;
    } catch {
      /* checked elsewhere */
    }
  }
  if (!process.stderr.isTTY || total < MIN_BYTES) return { update: () => undefined, stop: () => undefined };
  // loaded only for a bar that is drawn (~15 ms of CPU at every start otherwise: docs/performance.md "Start-up")
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'goneaway {bar} {percentage}% | {file}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { file: '' });
  let done = 0;
  return {
    update(path: string) {
      const base = done;
      return (read: number, size: number) => {
        bar.update(base + read, { file: path.split('/').pop() });
        if (read >= size) done = base + size;
      };
    },
    stop() {
      bar.stop();
    },
  };
}
