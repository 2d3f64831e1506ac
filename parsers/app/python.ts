/**
 * Python: `logging` lines (header via header.ts: `2026-11-23 20:21:26,198 ERROR [py-reports-p3] reports.db: …`,
 * docs/lab-findings.md §3, scenario 01) followed by a traceback whose LAST exception line is what was raised:
 * `pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')`,
 * `MySQLdb.OperationalError: (2006, …)`, `mysql.connector.errors.OperationalError: 2055: …`,
 * SQLAlchemy `sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2013, …)` + `[SQL: …]`
 * (docs/client-errors.md §2).
 */
import { exceptionLines, lineAt, splitClass } from './drivers.js';
import type { Detection, Extra, Header } from './model.js';

/** Lines that belong to the traceback machinery, not to an exception message. */
const NOT_EXC = /^(?:Traceback|During handling|The above exception)/;

export function pythonExtra(text: string, h: Header, det: Detection): Extra {
  const x: Extra = {};
  const tb = text.indexOf('Traceback (most recent call last):');
  if (tb >= 0) {
    // the raised exception = the last exception line after the (last) traceback
    const exc = exceptionLines(text).filter((e) => e.at > tb && !NOT_EXC.test(text.slice(e.at, e.at + 30)));
    const last = exc[exc.length - 1];
    if (last) {
      const { line } = lineAt(text, last.at);
      const sc = splitClass(line);
      x.type = last.type;
      x.message = sc.type ? sc.message : line.slice(last.type.length + 2).trim();
      return x;
    }
  }
  // no traceback: logger.error("… %s", e) → the evidence line, class split off if it has one
  const eol = text.indexOf('\n');
  if (eol >= 0 && det.at > eol) {
    const sc = splitClass(lineAt(text, det.at).line);
    x.type = sc.type;
    x.message = sc.message;
  } else {
    const m = /((?:[A-Za-z_]\w*\.)+[A-Z]\w*(?:Error|Exception)): (.*)$/.exec(h.msg);
    if (m) {
      x.type = m[1];
      x.message = m[2];
    } else x.message = h.msg;
  }
  return x;
}
