/**
 * The agent's inputs, read from the same config as `correlate --config`: one tail input per configured
 * log (paths may be globs), each with what the pipeline needs to know about it — its kind, the HAProxy
 * server a MySQL log belongs to, the client addresses of an app, and its rank in the merge (HAProxy,
 * then general logs, then error logs, then apps: the batch driver's order, so that ties break alike).
 */
import type { Config } from '../config/schema.js';
import type { LogKind } from '../sources/log-kind.js';
import { appSpecOf } from '../config/app-spec.js';

export interface AgentInput {
  /** the tail input's name: unique, stable across reloads (checkpoints are per file, not per input) */
  name: string;
  kind: LogKind;
  paths: string[];
  /** the HAProxy `server` name of a MySQL instance; '' otherwise */
  server: string;
  /** app logs: the client addresses the app connects to HAProxy from */
  clients?: ReadonlySet<string> | undefined;
  /** app logs: the MySQL users it connects as, and the HAProxy frontends it uses (`app.files[]`) */
  users?: ReadonlySet<string> | undefined;
  frontends?: ReadonlySet<string> | undefined;
  /** tie-break rank in the merge, as in the batch driver */
  rank: number;
}

const RANK: Record<LogKind, number> = { haproxy: 0, mysql_general: 1, mysql_error: 2, app: 3 };

export function agentInputs(cfg: Config): AgentInput[] {
  const out: AgentInput[] = [];
  if (cfg.haproxy.files.length)
    out.push({ name: 'haproxy', kind: 'haproxy', paths: cfg.haproxy.files, server: '', rank: RANK.haproxy });
  for (const inst of cfg.mysql.instances) {
    for (const [kind, paths] of [
      ['mysql_general', inst.general_log],
      ['mysql_error', inst.error_log],
    ] as const)
      if (paths?.length)
        out.push({ name: `${kind}:${inst.server}`, kind, paths, server: inst.server, rank: RANK[kind] });
  }
  for (const f of cfg.app.files) {
    // read as `correlate` reads it (`CLIENTS=FILE` strings too), so the agent's verdicts are batch's
    const a = appSpecOf(f);
    const set = (xs: string[] | undefined) => (xs ? new Set(xs) : undefined);
    out.push({
      name: `app:${a.path}`,
      kind: 'app',
      paths: [a.path],
      server: '',
      clients: set(a.clients),
      users: set(a.mysqlUsers),
      frontends: set(a.frontends),
      rank: RANK.app,
    });
  }
  return out.sort((a, b) => a.rank - b.rank);
}
