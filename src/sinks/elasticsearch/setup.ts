/**
 * `goneaway setup`: what Elasticsearch needs before the first document (docs/elasticsearch.md#setup).
 * A lifecycle policy (rollover, then delete after `retention`), component templates (settings, and one
 * explicit mapping per data stream), and one composable index template per data stream with
 * `data_stream: {}`. The index templates have priority 1000: the highest priority wins, Elasticsearch ships
 * a built-in template at 100 for `logs-*-*`, Fleet's integrations use up to 200, and Elastic's docs tell
 * users to give their own catch-all `logs-*` templates 500 or 501 (docs/elasticsearch.md#setup); two
 * overlapping templates of the same priority are refused, so ours keeps clear of those numbers.
 *
 * Idempotent: each body carries `_meta.goneaway_hash` (a hash of the body itself); an object whose
 * hash matches is left alone, one that differs is updated, a missing one created.
 */
import { createHash } from 'node:crypto';
import type { Client, estypes } from '@elastic/elasticsearch';
import { GoneawayError } from '../../errors.js';
import { recordMappings, verdictMappings } from './mappings.js';
import { describeFailure } from './client.js';
import { DATASETS, type Dataset } from './streams.js';

export const POLICY = 'goneaway-logs';
export const SETTINGS_COMPONENT = 'goneaway@settings';
export const TEMPLATE_PRIORITY = 1000;
export const mappingsComponent = (d: Dataset) => `${d}@mappings`;
export const indexTemplateName = (d: Dataset) => `logs-${d}`;

export type SetupAction = 'created' | 'updated' | 'unchanged';
export interface SetupStep {
  what: 'lifecycle policy' | 'component template' | 'index template';
  name: string;
  action: SetupAction;
}

/** "90d" when whole days, else seconds: the time units Elasticsearch accepts */
function timeUnit(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : `${Math.max(1, Math.round(ms / 1000))}s`;
}

function meta(body: object): estypes.Metadata {
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { managed_by: 'goneaway', goneaway_hash: hash };
}

export function policyBody(retentionMs: number): estypes.IlmPolicy {
  const phases: estypes.IlmPhases = {
    hot: { actions: { rollover: { max_primary_shard_size: '50gb', max_age: '30d' } } },
    delete: { min_age: timeUnit(retentionMs), actions: { delete: {} } },
  };
  return { phases, _meta: meta(phases) };
}

export function componentBodies(): Record<string, { template: estypes.IndicesIndexState; _meta: estypes.Metadata }> {
  const settings = { settings: { index: { lifecycle: { name: POLICY } } } };
  const out: Record<string, { template: estypes.IndicesIndexState; _meta: estypes.Metadata }> = {
    [SETTINGS_COMPONENT]: { template: settings, _meta: meta(settings) },
  };
  for (const d of DATASETS) {
    const template = { mappings: d === 'goneaway.verdicts' ? verdictMappings : recordMappings };
    out[mappingsComponent(d)] = { template, _meta: meta(template) };
  }
  return out;
}

export function indexTemplateBody(d: Dataset): estypes.IndicesPutIndexTemplateRequest {
  const body = {
    index_patterns: [`logs-${d}-*`],
    data_stream: {},
    composed_of: [SETTINGS_COMPONENT, mappingsComponent(d)],
    priority: TEMPLATE_PRIORITY,
  };
  return { name: indexTemplateName(d), ...body, _meta: meta(body) };
}

const hashOf = (m: estypes.Metadata | undefined) => (m as { goneaway_hash?: string } | undefined)?.goneaway_hash;

/** the entry a GET by exact name returned (Elasticsearch answers with a list) */
function only<T extends { name: string }>(list: T[] | undefined, name: string): T | undefined {
  return list?.find((x) => x.name === name) ?? (list?.length === 1 ? list[0] : undefined);
}

/** 404 → undefined; anything else that fails is thrown */
async function existing<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (e) {
    if ((e as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return undefined;
    throw e;
  }
}

/** the version check lives with the client (the bulk sink makes it too) */
export { checkVersion } from './client.js';

export async function installTemplates(client: Client, url: string, retentionMs: number): Promise<SetupStep[]> {
  const steps: SetupStep[] = [];
  try {
    const policy = policyBody(retentionMs);
    const gotPolicy = await existing(() => client.ilm.getLifecycle({ name: POLICY }));
    const oldPolicy = gotPolicy?.[POLICY]?.policy;
    const policyAction = !oldPolicy
      ? 'created'
      : hashOf(oldPolicy._meta) === hashOf(policy._meta)
        ? 'unchanged'
        : 'updated';
    if (policyAction !== 'unchanged') await client.ilm.putLifecycle({ name: POLICY, policy });
    steps.push({ what: 'lifecycle policy', name: POLICY, action: policyAction });

    for (const [name, body] of Object.entries(componentBodies())) {
      const got = await existing(() => client.cluster.getComponentTemplate({ name }));
      const old = only(got?.component_templates, name)?.component_template;
      const action = !old ? 'created' : hashOf(old._meta) === hashOf(body._meta) ? 'unchanged' : 'updated';
      if (action !== 'unchanged') await client.cluster.putComponentTemplate({ name, ...body });
      steps.push({ what: 'component template', name, action });
    }

    for (const d of DATASETS) {
      const body = indexTemplateBody(d);
      const name = body.name;
      const got = await existing(() => client.indices.getIndexTemplate({ name }));
      const old = only(got?.index_templates, name)?.index_template;
      const action = !old ? 'created' : hashOf(old._meta) === hashOf(body._meta) ? 'unchanged' : 'updated';
      if (action !== 'unchanged') await client.indices.putIndexTemplate(body);
      steps.push({ what: 'index template', name, action });
    }
  } catch (e) {
    if (e instanceof GoneawayError) throw e;
    throw new GoneawayError('GA_ERR_ES_REQUEST', `setup on ${url} failed: ${describeFailure(e)}`, {
      key: '--elasticsearch',
      value: url,
      fix: 'check the URL and that the user may manage ILM and index templates (manage_ilm, manage_index_templates)',
      cause: e,
    });
  }
  return steps;
}
