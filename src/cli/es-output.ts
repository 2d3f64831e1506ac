/**
 * `--elasticsearch URL` (or `output.elasticsearch` in the config) on `correlate` and `parse`: events are
 * indexed instead of printed (stdout stays empty), with a progress line and a summary on stderr.
 */
import type { Config } from '../config/schema.js';
import { elasticsearchOutputSchema, type ElasticsearchOutput } from '../config/output-schema.js';
import { resolveAuth } from '../config/secrets.js';
import { GoneawayError } from '../errors.js';
import { BulkSink } from '../sinks/elasticsearch/bulk-sink.js';
import { makeClient, shownUrl } from '../sinks/elasticsearch/client.js';
import type { OutDoc } from '../sinks/sink.js';

export interface EsTarget {
  /** the cluster as shown in messages */
  url: string;
  settings: ElasticsearchOutput;
}

/**
 * The Elasticsearch output, if selected: `--elasticsearch URL` (the config's other keys still apply),
 * or `output.elasticsearch` when no --format/--out asks for printed output.
 */
export function esTarget(
  flag: string | undefined,
  cfg: Config,
  o: { format?: string; out?: string },
): EsTarget | undefined {
  if (flag !== undefined) {
    if (o.format !== undefined || o.out !== undefined)
      throw new GoneawayError('GA_ERR_ARGUMENT', '--elasticsearch indexes the events: --format/--out print them', {
        key: '--elasticsearch',
        value: shownUrl(flag),
        fix: 'give either --elasticsearch or --format/--out',
      });
    if (!/^https?:\/\/[^\s/]+/.test(flag))
      throw new GoneawayError('GA_ERR_ARGUMENT', `--elasticsearch ${JSON.stringify(shownUrl(flag))} is not a URL`, {
        key: '--elasticsearch',
        value: shownUrl(flag),
        fix: 'write e.g. --elasticsearch https://es1:9200',
      });
    const base = cfg.output.elasticsearch ?? elasticsearchOutputSchema.parse({ hosts: [flag] });
    return { url: shownUrl(flag), settings: { ...base, hosts: [flag] } };
  }
  const s = cfg.output.elasticsearch;
  if (!s || o.format !== undefined || o.out !== undefined) return undefined;
  return { url: s.hosts.map(shownUrl).join(','), settings: s };
}

/** `keepLeftovers` false: documents not indexed are not written to leftover_file (the caller keeps them) */
export function openSink(t: EsTarget, keepLeftovers = true): BulkSink {
  const s = t.settings;
  const auth = resolveAuth(s, 'output.elasticsearch');
  const client = makeClient({
    hosts: s.hosts,
    ...auth,
    caFile: s.ca_file,
    tlsVerify: s.tls_verify,
    requestTimeout: s.request_timeout,
  });
  return new BulkSink({
    client,
    url: t.url,
    maxRetryTime: s.max_retry_time,
    maxRetries: s.max_retries,
    flushBytes: s.flush_bytes,
    concurrency: s.concurrency,
    leftoverFile: keepLeftovers ? s.leftover_file : undefined,
    deadLetterFile: s.dead_letter_file,
  });
}

const BATCH = 2000;

/** Sends documents in batches (one write() in flight: the next batch waits for the last one's ack). */
export async function indexAll(
  t: EsTarget,
  docs: Iterable<OutDoc>,
  stream: string,
  before?: () => void,
): Promise<number> {
  const sink = openSink(t);
  const progress = progressLine();
  let batch: OutDoc[] = [];
  let sent = 0;
  let failure: unknown;
  // iterated by hand: a for-of would close the generator on failure, and the events it has not
  // produced yet must still reach the leftover file
  const it = docs[Symbol.iterator]();
  try {
    for (let r = it.next(); !r.done; r = it.next()) {
      batch.push(r.value);
      if (batch.length < BATCH) continue;
      sent += batch.length;
      const b = batch;
      batch = [];
      await sink.write(b);
      progress(sent, sink);
    }
    if (batch.length) await sink.write(batch);
  } catch (e) {
    failure = e;
    if (sink.failed) {
      // the rest of the run is not sent: every event still to come is saved with the ones not indexed
      sink.spill({ [Symbol.iterator]: () => it });
      failure = sink.failure();
    }
  } finally {
    await sink.close();
    progress.done();
  }
  before?.();
  const a = sink.total;
  const events = a.indexed + a.present + a.deadLettered + sink.leftover;
  const notes = [
    a.deadLettered ? `dead-lettered to ${t.settings.dead_letter_file}` : '',
    sink.leftover ? `${sink.leftover} not indexed, saved to ${t.settings.leftover_file}` : '',
  ].filter(Boolean);
  process.stderr.write(
    `goneaway: elasticsearch ${t.url} (${stream}): ${events} event(s): ${a.indexed} indexed, ${a.present} already present, ${a.retried} retried, ${a.deadLettered} failed${notes.length ? ` (${notes.join('; ')})` : ''}\n`,
  );
  if (failure !== undefined) throw failure;
  if (a.deadLettered > 0)
    throw new GoneawayError(
      'GA_ERR_ES_REJECTED',
      `${t.url} rejected ${a.deadLettered} event(s); they are in ${t.settings.dead_letter_file} with Elasticsearch's reason`,
      {
        key: 'output.elasticsearch.dead_letter_file',
        value: t.settings.dead_letter_file,
        fix: 'read the reasons (a mapping conflict: run `goneaway setup` again, or a template that is not goneaway’s)',
      },
    );
  return 0;
}

/** a progress line on stderr: rewritten in place on a terminal, every 10 s otherwise */
function progressLine(): ((sent: number, sink: BulkSink) => void) & { done(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let last = Date.now();
  let shown = false;
  const fn = (sent: number, sink: BulkSink) => {
    const a = sink.total;
    const line = `goneaway: elasticsearch: ${sent} sent, ${a.indexed} indexed, ${a.present} already present, ${a.retried} retried, ${a.deadLettered} failed`;
    if (tty) {
      process.stderr.write(`\r${line}`);
      shown = true;
    } else if (Date.now() - last >= 10_000) {
      process.stderr.write(`${line}\n`);
      last = Date.now();
    }
  };
  return Object.assign(fn, {
    done() {
      if (shown) process.stderr.write('\n');
    },
  });
}
