/** `parse --format table`: one aligned row per record, for reading a few records by eye. */
import type { ParsedRecord } from '../pipeline/parse-file.js';
import type { Output } from './output.js';
import { get } from '../correlate/model.js';

function summary(r: ParsedRecord): string {
  const d = r.doc;
  switch (r.kind) {
    case 'haproxy': {
      const type = get(d, 'haproxy.message_type');
      if (type === 'traffic') {
        const term = get(d, 'haproxy.termination.description');
        return `${get(d, 'source.ip')}:${get(d, 'source.port')} ${get(d, 'haproxy.frontend_name')} → ${get(d, 'haproxy.backend_name')}/${get(d, 'haproxy.server_name')} Tt=${get(d, 'haproxy.total_time_ms')}ms ${get(d, 'haproxy.termination_state')}${term ? ` (${term})` : ''}`;
      }
      return `${type}: ${String(get(d, 'message') ?? r.text).slice(0, 120)}`;
    }
    case 'mysql_error':
      return `[${get(d, 'log.level') ?? '-'}] thread ${get(d, 'mysql.thread_id') ?? '-'} ${get(d, 'mysql.error_type') ?? ''}: ${String(get(d, 'message') ?? '').slice(0, 110)}`;
    case 'mysql_general':
      return `thread ${get(d, 'mysql.thread_id') ?? '-'} ${get(d, 'mysql.general.command')}: ${String(get(d, 'mysql.general.argument') ?? '').slice(0, 100)}`;
    case 'app_error':
      return `${get(d, 'error.code')} ${String(get(d, 'error.message') ?? '').slice(0, 110)}`;
    default:
      return `UNPARSED (${r.issue?.code}: ${r.issue?.message}) ${r.text.slice(0, 80)}`;
  }
}

export class RecordTable {
  constructor(private readonly out: Output) {
    out.write(`${'TIME (UTC)'.padEnd(24)} ${'KIND'.padEnd(13)} ${'OFFSET'.padStart(10)}  RECORD\n`);
  }
  add(r: ParsedRecord): void {
    const t = r.t === undefined ? '-' : new Date(r.t).toISOString();
    this.out.write(`${t.padEnd(24)} ${r.kind.padEnd(13)} ${String(r.offset).padStart(10)}  ${summary(r)}\n`);
  }
  flush(): void {
    /* rows are written as they come */
  }
}
