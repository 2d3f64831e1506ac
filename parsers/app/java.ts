/**
 * Java: logback / log4j / Spring Boot lines (header via header.ts) followed by a stack trace
 * (`com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure`, `\tat …`,
 * `Caused by: …`, `... 12 more`) and HikariCP's pool warnings (docs/client-errors.md §3).
 */
import { exceptionLines, lineAt, splitClass } from './drivers.js';
import type { Detection, Extra, Header } from './model.js';
import { continuesHibernatePair } from './start.js';

/** Connector/J's timing sentence (ServerPacketTimingInfo): tells how long the connection sat idle. */
const TIMING = /The last packet (?:successfully received from the server|sent successfully to the server) was [^\n]*/;

export function javaExtra(text: string, h: Header, det: Detection): Extra {
  const x: Extra = {};
  const exc = exceptionLines(text);
  // the driver's own class names the failure best, even when Spring/Hibernate wrap it
  const driverExc = exc.find((e) =>
    /CommunicationsException|SQLNonTransientConnectionException|SQLRecoverableException/.test(e.type),
  );
  const atEvidence = exc.filter((e) => e.at <= det.at).pop();
  const chosen = driverExc ?? atEvidence ?? exc[0];
  if (chosen) x.type = chosen.type;
  const eol = text.indexOf('\n');
  if (eol < 0 || det.at < eol) {
    x.message = h.msg;
  } else {
    const sc = splitClass(lineAt(text, chosen && !driverExc ? chosen.at : det.at).line);
    x.message = sc.message;
  }
  const tm = TIMING.exec(text);
  if (tm && x.message !== undefined && x.message.indexOf('The last packet') < 0)
    x.message = `${x.message.replace(/\.?\s*$/, '.')} ${tm[0].trim()}`;
  return x;
}

/**
 * A record made of Hibernate's `SQL Error: N, SQLState: S` line and the message line under it
 * (start.ts keeps them together): the record from the message line on, which says what failed, and the
 * first line's SQLSTATE (docs/formats/hibernate.md).
 */
export function hibernatePair(text: string): { rest: string; sqlstate?: string } | undefined {
  const nl = text.indexOf('\n');
  if (nl < 0) return undefined;
  const first = text.charCodeAt(nl - 1) === 13 ? text.slice(0, nl - 1) : text.slice(0, nl);
  let e = text.indexOf('\n', nl + 1);
  if (e < 0) e = text.length;
  if (!continuesHibernatePair(text.slice(nl + 1, e), first)) return undefined;
  const st = /SQLState: (\S+)$/.exec(first)?.[1];
  return { rest: text.slice(nl + 1), sqlstate: st !== undefined && st !== 'null' ? st : undefined };
}
