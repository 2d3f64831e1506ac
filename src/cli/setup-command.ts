/**
 * `goneaway setup --elasticsearch URL [--kibana URL]`: once per cluster, installs the lifecycle policy
 * and templates (src/sinks/elasticsearch/setup.ts) and imports Kibana's saved objects. Idempotent; prints
 * what it created, updated or left unchanged.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { elasticsearchOutputSchema, type KibanaOutput } from '../config/output-schema.js';
import { resolveAuth } from '../config/secrets.js';
import { GoneawayError } from '../errors.js';
import { makeClient, shownUrl } from '../sinks/elasticsearch/client.js';
import { checkVersion, installTemplates } from '../sinks/elasticsearch/setup.js';
import { importSavedObjects } from '../sinks/kibana/import.js';
import { readSavedObjects, toNdjson } from '../sinks/kibana/objects.js';
import { checkReadable } from './common.js';

export interface SetupOptions {
  elasticsearch?: string;
  kibana?: string;
  kibanaObjects?: string;
  config?: string;
}

export async function runSetup(o: SetupOptions): Promise<number> {
  const cfg = loadConfig(o.config);
  const esCfg =
    cfg.output.elasticsearch ??
    (o.elasticsearch !== undefined ? elasticsearchOutputSchema.parse({ hosts: [o.elasticsearch] }) : undefined);
  if (!esCfg)
    throw new GoneawayError('GA_ERR_ARGUMENT', 'no Elasticsearch to set up', {
      key: '--elasticsearch',
      fix: 'give --elasticsearch https://host:9200, or output.elasticsearch.hosts in --config',
    });
  const hosts = o.elasticsearch !== undefined ? [o.elasticsearch] : esCfg.hosts;
  const url = hosts.map(shownUrl).join(',');
  const auth = resolveAuth(esCfg, 'output.elasticsearch');
  const client = makeClient({
    hosts,
    ...auth,
    caFile: esCfg.ca_file,
    tlsVerify: esCfg.tls_verify,
    requestTimeout: esCfg.request_timeout,
  });
  try {
    let version: string;
    try {
      version = await checkVersion(client, url);
    } catch (e) {
      if (e instanceof GoneawayError) throw e;
      throw new GoneawayError('GA_ERR_ES_REQUEST', `cannot reach ${url}: ${(e as Error).message}`, {
        key: '--elasticsearch',
        value: url,
        fix: 'check the URL, the credentials (output.elasticsearch) and ca_file/tls_verify',
      });
    }
    process.stdout.write(`elasticsearch ${url}: version ${version}\n`);
    for (const s of await installTemplates(client, url, esCfg.retention))
      process.stdout.write(`${s.action} ${s.what} ${s.name}\n`);
  } finally {
    await client.close();
  }

  const kb: KibanaOutput | undefined = cfg.output.kibana;
  const kibanaUrl = o.kibana ?? kb?.url;
  if (kibanaUrl === undefined) return 0;
  if (o.kibanaObjects !== undefined) checkReadable(o.kibanaObjects, '--kibana-objects');
  // the bundled objects come through their one loader (src/sinks/kibana/objects.ts)
  const ndjson = o.kibanaObjects !== undefined ? readFileSync(o.kibanaObjects, 'utf8') : toNdjson(readSavedObjects());
  // Kibana's own credentials; without any, the cluster's (Kibana authenticates against it)
  const kbAuth = kb && (kb.api_key ?? kb.api_key_file ?? kb.username) ? resolveAuth(kb, 'output.kibana') : auth;
  const r = await importSavedObjects(
    {
      url: kibanaUrl,
      ...kbAuth,
      caFile: kb?.ca_file ?? esCfg.ca_file,
      tlsVerify: kb?.tls_verify ?? esCfg.tls_verify,
      space: kb?.space,
    },
    ndjson,
    shownUrl(kibanaUrl),
  );
  process.stdout.write(`kibana ${shownUrl(kibanaUrl)}: imported ${r.successCount} saved object(s)\n`);
  for (const x of r.objects) process.stdout.write(`  ${x.type} ${x.id}${x.title ? ` (${x.title})` : ''}\n`);
  return 0;
}
