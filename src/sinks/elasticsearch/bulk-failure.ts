/**
 * Why the bulk sink gave up on a batch, as the coded error the user reads: what failed, how many events were
 * saved where, and what to do (docs/elasticsearch.md "Failures").
 */
import { GoneawayError } from '../../errors.js';
import { failureKind } from './client.js';

export type GiveUpCode = 'GA_ERR_ES_REQUEST' | 'GA_ERR_ES_UNAVAILABLE' | 'GA_ERR_ES_VERSION' | 'GA_ERR_ES_NOT_SET_UP';

export interface GaveUp {
  code: GiveUpCode;
  /** Elasticsearch's words (or the client's) for the last failure */
  why: string;
  /** what to do, when the failure knows better than its code (the version check names the upgrade) */
  fix?: string;
}

/** the code for a request failure that is not retried (failureKind other than `retry` and `too-large`) */
export function refusalCode(e: unknown): GiveUpCode {
  const kind = failureKind(e);
  return kind === 'version'
    ? 'GA_ERR_ES_VERSION'
    : kind === 'not-set-up'
      ? 'GA_ERR_ES_NOT_SET_UP'
      : 'GA_ERR_ES_REQUEST';
}

const AGAIN = 'then run goneaway again on the same logs, or index the file (ids are kept: nothing is indexed twice)';

export function giveUpError(
  g: GaveUp,
  o: { url: string; saved: number; file: string | undefined; maxRetryTime: number },
): GoneawayError {
  // no file: the caller keeps what was not indexed (the agent's spool)
  const where = o.file ? `written to ${o.file}` : 'kept to be sent again';
  const saved = `${o.saved} event(s) not indexed were ${where}`;
  switch (g.code) {
    case 'GA_ERR_ES_REQUEST':
      return new GoneawayError('GA_ERR_ES_REQUEST', `${o.url} refused the bulk request (${g.why}); ${saved}`, {
        key: 'output.elasticsearch',
        value: o.url,
        fix: 'check the credentials and the privileges (create_doc, auto_configure on logs-goneaway.*-*)',
      });
    case 'GA_ERR_ES_VERSION':
      return new GoneawayError('GA_ERR_ES_VERSION', `${g.why}; ${saved}`, {
        key: 'output.elasticsearch.hosts',
        value: o.url,
        fix: `${g.fix ?? "point hosts at Elasticsearch 8.x or 9.x (not a proxy's page, not Kibana, not another product)"}, ${AGAIN}`,
      });
    case 'GA_ERR_ES_NOT_SET_UP':
      return new GoneawayError(
        'GA_ERR_ES_NOT_SET_UP',
        `${o.url} has no data stream for these events and may not create one (${g.why}); ${saved}`,
        {
          key: 'output.elasticsearch.hosts',
          value: o.url,
          fix: `run \`goneaway setup --elasticsearch ${o.url}\` (its index templates let the cluster create the data streams), ${AGAIN}`,
        },
      );
    case 'GA_ERR_ES_UNAVAILABLE':
      return new GoneawayError(
        'GA_ERR_ES_UNAVAILABLE',
        `${o.saved} event(s) not indexed into ${o.url} after retrying for ${Math.round(o.maxRetryTime / 1000)} s (last: ${g.why}); they were ${where}`,
        { key: 'output.elasticsearch.hosts', value: o.url, fix: unavailableFix(g.why) },
      );
  }
}

/** what to do about a cluster that took nothing for max_retry_time, from its last answer */
function unavailableFix(why: string): string {
  if (/flood-stage|disk usage exceeded/i.test(why))
    return `free disk space on the cluster's data nodes: past the flood-stage disk watermark its indices take no writes, and Elasticsearch lifts the block itself once usage falls below the high watermark; ${AGAIN}`;
  if (/cluster_block_exception/.test(why))
    return `lift the write block (index.blocks.write, cluster.blocks.read_only) or wait for the cluster to elect a master; ${AGAIN}`;
  return 'bring the cluster back and index the file again (goneaway keeps ids: nothing is indexed twice), or raise max_retry_time';
}
