/**
 * An application log as given on the command line or in `app.files`: `[CLIENTS=]FILE`, CLIENTS being
 * a comma-separated list of the addresses the app connects to HAProxy from. A left part that is not a
 * list of IP addresses belongs to the file name (`a=b.log` is a file).
 */
import { isIP } from 'node:net';

export interface AppSpec {
  path: string;
  clients: string[] | undefined;
  /** the MySQL users the app connects as (`app.files[].mysql_user`): other users' threads are not its */
  mysqlUsers?: string[] | undefined;
  /** the HAProxy frontends the app connects through (`app.files[].frontends`): other frontends' sessions are not its */
  frontends?: string[] | undefined;
}

export function splitAppSpec(v: string): AppSpec {
  const i = v.indexOf('=');
  if (i > 0) {
    const clients = v.slice(0, i).split(',');
    if (clients.every((c) => isIP(c) !== 0)) return { path: v.slice(i + 1), clients };
  }
  return { path: v, clients: undefined };
}

/** `app.files[k]`: a string spec or `{ path, clients?, timezone? }` (the zone is read by src/cli/zones.ts) */
export function appSpecOf(
  f:
    | string
    | {
        path: string;
        clients?: string[] | undefined;
        mysql_user?: string | string[] | undefined;
        frontends?: string[] | undefined;
      },
): AppSpec {
  if (typeof f === 'string') return splitAppSpec(f);
  const u = f.mysql_user;
  const mysqlUsers = u === undefined ? undefined : Array.isArray(u) ? u : [u];
  return { path: f.path, clients: f.clients, mysqlUsers, frontends: f.frontends };
}
