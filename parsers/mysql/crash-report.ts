/**
 * The text of a MySQL/MariaDB crash report: what the server's fatal-signal handler prints after
 * `mysqld got signal N ;` (docs/formats/mysql-crash-report.md). Only the header line carries a time
 * (or none at all), so the other lines are continuation text of that record; recognising them tells a
 * file that starts with a crash report for an error log (src/sources/sniff.ts).
 */

const CRASH_LINE = new RegExp(
  [
    String.raw`mysqld got (?:signal|exception) \S+ ;`,
    String.raw`^This could be because you hit a bug\.`,
    '^or one of the libraries it was linked against is corrupt',
    String.raw`^or misconfigured\. This error can also be caused by malfunctioning hardware`,
    '^Attempting to collect some information that could help diagnose the problem',
    '^As this is a crash and something is definitely wrong',
    '^collection process might fail',
    '^We will try our best to scrape up some info',
    '^diagnose the problem, but since we have already crashed',
    '^something is definitely wrong and this may fail',
    '^To report this bug, see ',
    '^Server version: ',
    String.raw`^(?:key_buffer_size|read_buffer_size|sort_buffer_size|max_used_connections|max_threads|thread_count|connection_count|threads_connected)=\d+$`,
    '^It is possible that mysqld could use up to',
    String.raw`^key_buffer_size \+ \(read_buffer_size`,
    "^Hope that's ok; if not, decrease some variables",
    '^Thread pointer: (?:0x)?[0-9a-f]+$',
    String.raw`^Attempting backtrace\.`,
    String.raw`^where mysqld died\.`,
    String.raw`^terribly wrong\.\.\.`,
    '^stack_bottom = ',
    String.raw`^Trying to get some variables\.`,
    '^Some pointers may be invalid and cause the dump to abort',
    String.raw`^Query \((?:0x)?[0-9a-f]+\)`,
    String.raw`^Connection ID \(thread ID\): \d+$`,
    '^Status: [A-Z_]+$',
    '^thd->(?:query|thread_id)',
    '^Optimizer switch: ',
    String.raw`^The manual page at https?://\S+crashing\.html contains`,
    '^information that should help you find out what is causing the crash',
    '^Writing a core file',
    String.raw`^Fatal signal \d+ while backtracing`,
    // frames: `/usr/sbin/mysqld(handle_fatal_signal+0x479)[0x55f48c268309]`, Percona 5.1's
    // `/lib64/libpthread.so.0 [0x331500eb10]`, MariaDB's `mysys/stacktrace.c:212(my_print_stacktrace)[0x…]`,
    // MySQL 8's C++ signatures `mysqld(print_fatal_signal(int)+0x281) [0x106322e]`
    String.raw`^\S+(?:\(.*\))? ?\[0x[0-9a-f]+\]$`,
  ].join('|'),
);

/** Is this line part of a crash report's text (header, server variables, backtrace)? */
export function isMysqlCrashReportLine(line: string): boolean {
  return CRASH_LINE.test(line.trim());
}
