/**
 * The stand-in (bulk-recorder.ts) in a worker thread of the bench process, so that parsing the agent's
 * bulk bodies never delays the writer's ticks or the time stamps of tail's output in the main thread
 * (a 5 MB body is tens of ms of JSON.parse). Both threads read the same clock (stats.ts clock()).
 *
 * The worker posts its counts every 250 ms; `finish()` closes the server and transfers the arrivals
 * (typed arrays, no copy) back.
 */
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { BulkRecorder, type BulkCounts } from './bulk-recorder.js';

/** arrivals of one file, as handed back from the worker */
export interface FileArrivalArrays {
  offsets: Float64Array;
  times: Float64Array;
}

type FromWorker =
  | { type: 'url'; url: string }
  | { type: 'counts'; counts: BulkCounts }
  | { type: 'done'; counts: BulkCounts; arrivals: Array<[string, FileArrivalArrays]> };

export class RecorderThread {
  private readonly worker = new Worker(fileURLToPath(import.meta.url));
  /** the latest counts (at most 250 ms old) */
  counts: BulkCounts = { requests: 0, bulkRequests: 0, items: 0, byIndex: new Map(), unkeyed: 0, malformed: 0 };
  private readonly url: Promise<string>;
  private done: ((m: Extract<FromWorker, { type: 'done' }>) => void) | undefined;

  constructor() {
    this.url = new Promise((resolve, reject) => {
      this.worker.on('error', reject);
      this.worker.on('message', (m: FromWorker) => {
        if (m.type === 'url') resolve(m.url);
        else if (m.type === 'counts') this.counts = m.counts;
        else this.done?.(m);
      });
    });
  }

  listen(): Promise<string> {
    return this.url;
  }

  /** Close the stand-in and take its arrivals (keyed by log.file.path). */
  async finish(): Promise<{ counts: BulkCounts; arrivals: Map<string, FileArrivalArrays> }> {
    const m = await new Promise<Extract<FromWorker, { type: 'done' }>>((resolve) => {
      this.done = resolve;
      this.worker.postMessage('finish');
    });
    await this.worker.terminate();
    this.counts = m.counts;
    return { counts: m.counts, arrivals: new Map(m.arrivals) };
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const recorder = new BulkRecorder();
  const timer = setInterval(() => port.postMessage({ type: 'counts', counts: recorder.counts }), 250);
  port.on('message', (m: unknown) => {
    if (m !== 'finish') return;
    clearInterval(timer);
    void recorder.close().then(() => {
      const arrivals: Array<[string, FileArrivalArrays]> = [];
      const buffers: ArrayBuffer[] = [];
      for (const [p, a] of recorder.arrivals) {
        const offsets = a.offsets.view().slice();
        const times = a.times.view().slice();
        arrivals.push([p, { offsets, times }]);
        buffers.push(offsets.buffer, times.buffer);
      }
      port.postMessage({ type: 'done', counts: recorder.counts, arrivals }, buffers);
    });
  });
  void recorder.listen().then((url) => port.postMessage({ type: 'url', url }));
}
