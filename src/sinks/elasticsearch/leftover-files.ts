/**
 * The files of the documents the Elasticsearch sink did not index (docs/elasticsearch.md#failures): the dead-letter
 * file (a document Elasticsearch refused, with its status and reason) and the leftover file (documents not sent
 * when the sink gave up, in the shape `_stub/docs` and scripts read).
 */
import { appendFileSync } from 'node:fs';
import { docOf, type OutDoc } from '../sink.js';

/** appends a document Elasticsearch refused (a mapping rejection, 413 alone) to the dead-letter file */
export function appendDeadLetter(file: string, d: OutDoc, status: number, error: unknown): void {
  const line = { _index: d.stream, _id: d.id, status, error: error ?? null, _source: docOf(d) };
  appendFileSync(file, JSON.stringify(line) + '\n');
}

/** Documents appended to the leftover file a thousand lines at a time; none written when there is no file. */
export class LeftoverFile {
  private lines: string[] = [];
  constructor(private readonly file: string | undefined) {}

  add(d: OutDoc): void {
    // nowhere to write: not even serialised (the agent's spool has the batch; a failed attempt once copied it all)
    if (!this.file) return;
    this.lines.push(JSON.stringify({ _index: d.stream, _id: d.id, _source: docOf(d) }));
    if (this.lines.length >= 1000) this.flush();
  }

  flush(): void {
    if (this.lines.length && this.file) appendFileSync(this.file, this.lines.join('\n') + '\n');
    this.lines = [];
  }
}
