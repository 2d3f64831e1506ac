/** `correlate --format table`: the answer first, then the fixes, then one row per error with its evidence. */
import type { VerdictEvent } from '../correlate/event.js';
import type { Summary } from './summary.js';
import { AMBIGUOUS_BELOW, isAmbiguous } from '../correlate/likelihood.js';

const bold = (s: string, on: boolean) => (on ? `\x1b[1m${s}\x1b[0m` : s);

export function renderTable(summary: Summary, events: readonly VerdictEvent[], tty: boolean): string {
  const out: string[] = [];
  out.push(
    bold(`WHO HUNG UP — ${summary.app_errors} app error(s), ${summary.connections} silent abnormal closure(s)`, tty),
  );
  out.push('');
  const terms = Object.entries(summary.by_terminator).sort((a, b) => b[1] - a[1]);
  if (terms.length) out.push('App errors by terminator: ' + terms.map(([k, n]) => `${k} ${n}`).join(', '));
  const guesses = events.filter((e) => e.goneaway.kind === 'app_error' && isAmbiguous(e.goneaway.confidence)).length;
  if (guesses)
    out.push(
      `${guesses} ambiguous (confidence < ${AMBIGUOUS_BELOW}): the logs leave another explanation as likely; see "why"`,
    );
  out.push('');
  out.push(
    `${'CAUSE'.padEnd(26)} ${'BY'.padEnd(8)} ${'ERRORS'.padStart(6)} ${'SILENT'.padStart(6)} ${'CONF'.padStart(5)}`,
  );
  for (const c of summary.causes) {
    out.push(
      `${c.cause.padEnd(26)} ${c.terminated_by.padEnd(8)} ${String(c.app_errors).padStart(6)} ${String(c.connections).padStart(6)} ${c.mean_confidence.toFixed(2).padStart(5)}`,
    );
  }
  out.push('');
  out.push(bold('FIXES', tty));
  for (const c of summary.causes) {
    if (!c.recommendation || c.app_errors + c.connections === 0) continue;
    out.push(`- [${c.cause}] ${c.recommendation.text}`);
  }
  out.push('');
  out.push(bold('APP ERRORS', tty));
  for (const e of events) {
    const ga = e.goneaway;
    if (ga.kind !== 'app_error') continue;
    out.push(
      `${e['@timestamp']}  ${String(e.error?.code).padEnd(8)} ${String(ga.cause).padEnd(26)} by ${ga.terminated_by} (${Number(ga.confidence).toFixed(2)}, ${ga.join.method})${isAmbiguous(ga.confidence) ? '  AMBIGUOUS' : ''}`,
    );
    out.push(`    ${e.log.file.path}@${e.log.offset}: ${String(e.error?.message).slice(0, 140)}`);
    out.push(`    why: ${ga.why}`);
    for (const ev of ga.evidence) {
      if (ev.kind === 'app') continue;
      out.push(
        `    ${String(ev.kind).padEnd(13)} ${ev.file}@${ev.offset}: ${String(ev.text).split('\n')[0]!.slice(0, 160)}`,
      );
    }
  }
  return out.join('\n') + '\n';
}
