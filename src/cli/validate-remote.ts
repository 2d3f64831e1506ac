/**
 * `goneaway validate`, the network half: every `output.elasticsearch.hosts` entry answers `GET /` (the
 * official client's `info()`) with Elasticsearch 8 or 9, and `output.kibana`'s `GET /api/status` says
 * available. Unreachable, refused credentials and a wrong product or version are told apart, each with its
 * own code and fix (docs/validate.md).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { ElasticsearchOutput, KibanaOutput } from '../config/output-schema.js';
import type { ResolvedAuth } from '../config/secrets.js';
import { GoneawayError, isGoneawayError } from '../errors.js';
import { describeFailure, makeClient, shownUrl } from '../sinks/elasticsearch/client.js';
import { checkVersion } from '../sinks/elasticsearch/setup.js';

/** how long a check waits for an answer: long enough for a loaded cluster, short enough for a deploy script */
export const REMOTE_TIMEOUT_MS = 5000;

/** 401: the credentials are wrong or missing; 403: they are right but lack a privilege */
function authFix(status: number, prefix: string, needs: string): string {
  return status === 401
    ? `check ${prefix}.api_key or ${prefix}.username/password (missing, mistyped, expired or revoked)`
    : `the credentials are valid but not allowed: ${needs}`;
}

/** The answer of one Elasticsearch host, or the problem with it. */
export async function checkElasticsearchHost(
  es: ElasticsearchOutput,
  auth: ResolvedAuth,
  i: number,
  timeoutMs = REMOTE_TIMEOUT_MS,
): Promise<{ version: string } | GoneawayError> {
  const host = es.hosts[i]!;
  const url = shownUrl(host);
  const key = `output.elasticsearch.hosts[${i}]`;
  const err = (code: 'GA_ERR_ES_UNREACHABLE' | 'GA_ERR_ES_AUTH' | 'GA_ERR_ES_VERSION', msg: string, fix: string) =>
    new GoneawayError(code, `${url}: ${msg}`, { key, value: url, fix });
  let client: ReturnType<typeof makeClient>;
  try {
    client = makeClient({
      hosts: [host],
      ...auth,
      caFile: es.ca_file,
      tlsVerify: es.tls_verify,
      requestTimeout: timeoutMs,
    });
  } catch (e) {
    if (isGoneawayError(e)) return e; // ca_file unreadable: named by makeClient
    throw e;
  }
  try {
    return { version: await checkVersion(client, url) };
  } catch (e) {
    // checkVersion's message already names the URL (a wrong product or version); only the key is this host's
    if (isGoneawayError(e))
      return new GoneawayError('GA_ERR_ES_VERSION', e.message, { key, value: url, fix: e.fix ?? 'use 8.x or 9.x' });
    const x = e as { name?: string; message?: string; meta?: { statusCode?: number } };
    const status = x.meta?.statusCode ?? 0;
    if (x.name === 'ResponseError' && (status === 401 || status === 403))
      return err(
        'GA_ERR_ES_AUTH',
        `refused the credentials (${describeFailure(e)})`,
        authFix(
          status,
          'output.elasticsearch',
          'give its role the cluster privilege monitor (GET / is cluster:monitor/main)',
        ),
      );
    if (x.name === 'ResponseError')
      return err(
        'GA_ERR_ES_UNREACHABLE',
        `answers GET / with an error (${describeFailure(e)})`,
        'check the cluster health',
      );
    const tls = /certificate|self.signed|SSL|TLS/i.test(x.message ?? '');
    return err(
      'GA_ERR_ES_UNREACHABLE',
      `cannot be reached (${describeFailure(e)}; waited at most ${timeoutMs / 1000} s)`,
      tls
        ? "give output.elasticsearch.ca_file the cluster's CA (config/certs/http_ca.crt)"
        : 'check the URL (scheme, host, port), that Elasticsearch runs and that no firewall is in between',
    );
  } finally {
    await client.close();
  }
}

/** GET url with a timeout: status and body text; the TLS settings as the client uses them */
function get(url: URL, headers: Record<string, string>, k: KibanaOutput, timeoutMs: number) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const tls = secure
      ? { rejectUnauthorized: k.tls_verify, ...(k.ca_file ? { ca: readFileSync(k.ca_file) } : {}) }
      : {};
    const req = (secure ? httpsRequest : httpRequest)(url, { headers, timeout: timeoutMs, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Kibana's `GET /api/status`: its level (8.x `status.overall.level`), or the problem reaching it. */
export async function checkKibana(
  k: KibanaOutput,
  auth: ResolvedAuth,
  timeoutMs = REMOTE_TIMEOUT_MS,
): Promise<{ level: string } | GoneawayError> {
  const shown = shownUrl(k.url);
  const err = (code: 'GA_ERR_KIBANA_UNREACHABLE' | 'GA_ERR_KIBANA_AUTH', msg: string, fix: string) =>
    new GoneawayError(code, `${shown}: ${msg}`, { key: 'output.kibana.url', value: shown, fix });
  const headers: Record<string, string> = {};
  if (auth.apiKey !== undefined) headers.authorization = `ApiKey ${auth.apiKey}`;
  else if (auth.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  let res: { status: number; text: string };
  try {
    res = await get(new URL(`${k.url.replace(/\/+$/, '')}/api/status`), headers, k, timeoutMs);
  } catch (e) {
    return err(
      'GA_ERR_KIBANA_UNREACHABLE',
      `cannot be reached (${(e as Error).message})`,
      'check output.kibana.url (scheme, host, port, usually 5601), that Kibana runs, and ca_file for https',
    );
  }
  if (res.status === 401 || res.status === 403)
    return err(
      'GA_ERR_KIBANA_AUTH',
      `refused the credentials (HTTP ${res.status} on /api/status)`,
      authFix(res.status, 'output.kibana', 'give the user a role with access to Kibana (kibana_admin for setup)'),
    );
  let level: string | undefined;
  try {
    const body = JSON.parse(res.text) as { status?: { overall?: { level?: string; state?: string } } };
    level = body.status?.overall?.level ?? body.status?.overall?.state;
  } catch {
    level = undefined;
  }
  if (res.status !== 200 || level === undefined)
    return err(
      'GA_ERR_KIBANA_UNREACHABLE',
      `GET /api/status answered HTTP ${res.status}${level === undefined ? ' without a Kibana status' : ''}`,
      'check that output.kibana.url is Kibana itself (not Elasticsearch or a proxy page) and that it has started',
    );
  // levels (8.x) and states (7.x): docs/validate.md "Kibana"
  if (level === 'unavailable' || level === 'critical' || level === 'red')
    return err('GA_ERR_KIBANA_UNREACHABLE', `reports status ${level}`, "see Kibana's own log and /api/status");
  return { level };
}
