/**
 * The values of `mysql.aborted.reason_code`: why MySQL/MariaDB aborted a connection (docs/mysql-logs.md §2.4). The
 * server's reason text maps to them in reason-code.ts (English) and localized.ts (the translations).
 */
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
