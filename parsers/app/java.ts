/**
 * Java: logback / log4j / Spring Boot lines (header via header.ts) followed by a stack trace
 * (`com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure`, `\tat …`,
 * `Caused by: …`, `... 12 more`) and HikariCP's pool warnings (CLIENT_ERRORS.md §3).
 */
import { exceptionLines, lineAt, splitClass } from './drivers.js';
import type { Detection, Extra, Header } from './model.js';

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
