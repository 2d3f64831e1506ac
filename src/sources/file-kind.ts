/** What a log file is: told by its sniffed start (sniff.ts) or by the user, and how the pipeline reads it. */
export type FileKind = 'haproxy' | 'mysql-error' | 'mysql-general' | 'app';
export const FILE_KINDS: readonly FileKind[] = ['haproxy', 'mysql-error', 'mysql-general', 'app'];
