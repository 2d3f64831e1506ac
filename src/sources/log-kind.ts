/**
 * What a log is — one spelling everywhere: a file's kind (sniffed or given with `--kind`), the source of a
 * record pushed into the correlator, and the kind of an evidence line. (A parsed record's own kind,
 * parsers/types.ts RecordKind, adds `app_error` and `unparsed`.)
 */
export type LogKind = 'haproxy' | 'mysql_error' | 'mysql_general' | 'app';
export const LOG_KINDS: readonly LogKind[] = ['haproxy', 'mysql_error', 'mysql_general', 'app'];
