/**
 * Imports saved objects (data views, searches, dashboards) into Kibana with
 * `POST /api/saved_objects/_import?overwrite=true`: a multipart/form-data body whose part `file` holds
 * the NDJSON, and the `kbn-xsrf` header Kibana requires on every write (docs/elasticsearch.md#kibana).
 * node:http(s) rather than fetch, so that ca_file and tls_verify apply as they do to Elasticsearch.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GoneawayError } from '../../errors.js';

export interface KibanaTarget {
  url: string;
  apiKey?: string;
  username?: string;
  password?: string;
  caFile?: string;
  tlsVerify: boolean;
  /** a Kibana space other than the default */
  space?: string;
}

export interface ImportResult {
  successCount: number;
  objects: { type: string; id: string; title?: string }[];
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  t: KibanaTarget,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const tls = secure ? { rejectUnauthorized: t.tlsVerify, ...(t.caFile ? { ca: readFileSync(t.caFile) } : {}) } : {};
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, timeout: 60_000, ...tls },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function importSavedObjects(t: KibanaTarget, ndjson: string, shown: string): Promise<ImportResult> {
  const base = t.url.replace(/\/+$/, '') + (t.space ? `/s/${encodeURIComponent(t.space)}` : '');
  const url = new URL(`${base}/api/saved_objects/_import?overwrite=true`);
  const boundary = `goneaway-${randomBytes(12).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="goneaway.ndjson"\r\n` +
        'Content-Type: application/ndjson\r\n\r\n',
    ),
    Buffer.from(ndjson.endsWith('\n') ? ndjson : ndjson + '\n'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const headers: Record<string, string> = {
    'kbn-xsrf': 'goneaway',
    'content-type': `multipart/form-data; boundary=${boundary}`,
  };
  if (t.apiKey !== undefined) headers.authorization = `ApiKey ${t.apiKey}`;
  else if (t.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64')}`;
  const fail = (what: string) =>
    new GoneawayError('GA_ERR_KIBANA_IMPORT', `importing the saved objects into ${shown} failed: ${what}`, {
      key: '--kibana',
      value: shown,
      fix: 'check the Kibana URL, its credentials (output.kibana) and that the user may manage saved objects',
    });
  let res: { status: number; text: string };
  try {
    res = await post(url, headers, body, t);
  } catch (e) {
    throw fail((e as Error).message);
  }
  let answer: {
    message?: string;
    success?: boolean;
    successCount?: number;
    successResults?: { type: string; id: string; meta?: { title?: string } }[];
    errors?: { type?: string; id?: string; error?: { type?: string; message?: string } }[];
  } = {};
  try {
    answer = JSON.parse(res.text);
  } catch {
    /* not JSON: the status says enough */
  }
  if (res.status !== 200) throw fail(`HTTP ${res.status}: ${answer.message ?? res.text.slice(0, 200)}`);
  if (answer.success === false || (answer.errors?.length ?? 0) > 0) {
    const errs = (answer.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.type ?? '?'}:${e.id ?? '?'} ${e.error?.type ?? ''} ${e.error?.message ?? ''}`.trim());
    throw fail(`${answer.errors?.length ?? 0} object(s) not imported: ${errs.join('; ')}`);
  }
  return {
    successCount: answer.successCount ?? 0,
    objects: (answer.successResults ?? []).map((r) => ({ type: r.type, id: r.id, title: r.meta?.title })),
  };
}
