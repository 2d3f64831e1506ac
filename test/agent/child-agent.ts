/**
 * A minimal agent for the kill -9 test: tails argv[2] with checkpoints in argv[3], writes every record to
 * stdout (synchronously, before acknowledging it, so that a record the parent never saw was never
 * acknowledged) and saves the checkpoints every 20 ms until it is killed.
 */
import { writeSync } from 'node:fs';
import { CheckpointStore } from '../../src/agent/checkpoints.js';
import { Tailer } from '../../src/agent/inputs/tailer.js';

const [file, stateDir] = process.argv.slice(2) as [string, string];
const store = await CheckpointStore.open(stateDir);
const tailer = new Tailer({ inputs: [{ name: 'app', paths: [file] }], store, startAt: 'beginning', pollMs: 20 });
tailer.start();
setInterval(() => void store.flush(), 20);
for await (const r of tailer.records()) {
  writeSync(1, JSON.stringify({ text: r.text, ino: r.identity.ino, offset: r.offset }) + '\n');
  store.ack(r.identity, r.offset);
}
