// Shapes shared by the lab's orchestrator, its ground-truth model and the tests.
// Everything here is bookkeeping of the apps (stdout replies) or of the orchestrator (injection journal):
// nothing is ever read back from the logs under test (brief: "never from the logs under test").

export type AppKind = 'php' | 'node' | 'python';

export type Cause =
  | 'haproxy_timeout_client'
  | 'haproxy_timeout_server'
  | 'haproxy_server_down'
  | 'haproxy_admin_kill'
  | 'haproxy_hard_stop'
  | 'mysql_wait_timeout'
  | 'mysql_kill'
  | 'mysql_max_allowed_packet'
  | 'mysql_shutdown'
  | 'mysql_crash'
  | 'app_closed'
  | 'network_reset';
export type TerminatedBy = 'haproxy' | 'mysql' | 'app' | 'network';

/** One network operation of an app connection, as timed by the app itself (epoch ms). */
export interface OpRecord {
  op: 'connect' | 'query' | 'big' | 'close' | 'exit';
  sql?: string;
  /** for `select sleep(n)`: the intended server-side duration */
  sleep_ms?: number;
  /** for 'big': payload size in bytes */
  bytes?: number;
  t0: number;
  t1: number;
  ok: boolean;
  /** the worker did not touch the network (mysql2 connection already reported lost) */
  dead?: boolean;
  error?: { code: string; message: string };
}

export interface ConnRecord {
  key: string; // `${lane}#${seq}`
  lane: string;
  app: AppKind;
  seq: number;
  frontend_port: number;
  local_port: number | null;
  thread_id: number;
  instance: string; // replica1 | replica2 (from @@port)
  mysql_port: number;
  backend_port: number; // HAProxy's source port towards MariaDB (processlist Host)
  opened_ms: number; // connect t0
  ops: OpRecord[]; // connect first
  /** how the app ended the connection: close/exit op, SIGKILL of the process */
  end?: { how: 'close' | 'exit' | 'sigkill'; t: number };
}

export interface AppErrorRecord {
  lane: string;
  app: AppKind;
  file: string; // relative to the scenario folder
  offset: number;
  length: number;
  code: string;
  message: string;
  t_ms: number;
  sql: string | null;
  conn_key: string | null;
}

/** timeouts that apply to a connection accepted on `port` (timeout client: frontend, timeout server: backend) */
export interface FrontendTimeouts {
  port: number;
  frontend: string;
  backend: string;
  timeout_client_ms: number;
  timeout_server_ms: number;
}
/** what the ground truth needs from a haproxy.cfg; top-level timeouts = frontend mysql_ro / backend mariadb_replicas */
export interface HaproxyJournalConfig {
  timeout_client_ms: number;
  timeout_server_ms: number;
  on_marked_down: boolean;
  hard_stop_after_ms: number | null;
  frontends: FrontendTimeouts[];
}

export type JournalEntry =
  | ({ t: number; kind: 'haproxy_start'; pid: number } & HaproxyJournalConfig)
  | ({ t: number; kind: 'haproxy_reload'; old_pid: number; new_pid: number } & HaproxyJournalConfig)
  | { t: number; kind: 'haproxy_exited'; pid: number }
  | { t: number; kind: 'mysql_start'; instance: string; pid: number; port: number; log_warnings: number }
  | { t: number; kind: 'mysql_ready'; instance: string }
  | {
      t: number;
      kind: 'mysql_set_global';
      instance: string;
      variable: 'wait_timeout' | 'max_allowed_packet';
      value: number;
    }
  | {
      t: number;
      kind: 'mysql_kill';
      instance: string;
      thread_id: number;
      t_done: number;
      target: string;
      running_query: boolean;
    }
  | { t: number; kind: 'mysql_shutdown' | 'mysql_crash'; instance: string; pid: number }
  | { t: number; kind: 'mysql_exited'; instance: string; pid: number }
  | { t: number; kind: 'health_check_broken' | 'health_check_restored'; instance: string; how: string }
  | { t: number; kind: 'server_state'; pid: number; server: string; state: string }
  | { t: number; kind: 'haproxy_shutdown_session'; pid: number; session: string; client_port: number; target: string }
  | { t: number; kind: 'haproxy_shutdown_sessions_server'; pid: number; backend: string; server: string }
  | { t: number; kind: 'app_sigkill'; lane: string; pid: number }
  | { t: number; kind: 'network_reset'; target: string; backend_port: number; instance: string; sockets: number }
  | { t: number; kind: 'note'; text: string };

export interface Closure {
  cause: Cause;
  terminated_by: TerminatedBy;
  closed_at_ms: number;
  injected_at_ms: number;
}

export interface GroundTruthError extends Closure {
  file: string;
  offset: number;
  code: string;
  client_local_port: number | null;
  mysql_instance: string;
  mysql_thread_id: number;
  app: AppKind;
  lane: string;
  t_ms: number;
  message: string;
  haproxy_backend_source_port: number;
}

export interface SilentClosure extends Closure {
  client_local_port: number | null;
  mysql_instance: string;
  mysql_thread_id: number;
  app: AppKind;
  lane: string;
}

export interface ConnSummary {
  key: string;
  app: AppKind;
  local_port: number | null;
  mysql_instance: string;
  mysql_thread_id: number;
  haproxy_backend_source_port: number;
  frontend_port: number;
  opened_ms: number;
  ended: ConnRecord['end'] | null;
  ops: number;
  closure: { cause: Cause; closed_at_ms: number; why: string } | null;
}

export interface GroundTruth {
  scenario: string;
  servers: Record<string, { error: string; general: string }>;
  app_errors: GroundTruthError[];
  silent_closures: SilentClosure[];
  journal: JournalEntry[];
  /** every app connection with the model's verdict (summary; full ops in extra/bookkeeping.json) */
  connections: ConnSummary[];
  validation: { problems: string[] };
}

export function terminatorOf(cause: Cause): TerminatedBy {
  if (cause.startsWith('haproxy_')) return 'haproxy';
  if (cause.startsWith('mysql_')) return 'mysql';
  return cause === 'app_closed' ? 'app' : 'network';
}
