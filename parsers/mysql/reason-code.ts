/** Why MySQL/MariaDB aborted a connection, as `mysql.aborted.reason_code` says it (docs/mysql-logs.md §2.4). */
export type ReasonCode =
  | 'timeout_reading'
  | 'error_reading'
  | 'error_writing'
  | 'timeout_writing'
  | 'packet_too_large'
  | 'killed'
  | 'closed_unauthenticated'
  | 'closed_normally'
  | 'too_many_connections'
  | 'out_of_memory'
  | 'other';
