/**
 * The TAG after a syslog date (`[host] prog[pid]: `), with the memo of the last one: a file repeats it on
 * every line (docs/haproxy-logs.md §1.1). Fills the scan record of parsers/syslog-state.ts.
 */
import { S, sameAsciiBytes, sameCodes, skipSpaces, tokenEnd } from './syslog-state.js';

/** Characters allowed in a syslog TAG's program part (rsyslog accepts more, but not space, ':' or '['). */
function isTagChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 45 /* - */ ||
    c === 95 /* _ */ ||
    c === 46 /* . */ ||
    c === 47 /* / */ ||
    c === 64
  ); /* @ */
}

/** Where tagAt() found a TAG's parts: the program's end, the pid, the payload's start. */
interface Tag {
  progEnd: number;
  pid: number | undefined;
  payload: number;
}
// one object handed to tagAt() and takeTag() on every line (no object per call: issue #2)
export const TAG: Tag = { progEnd: 0, pid: undefined, payload: 0 };

/** Is s[a, b) a syslog TAG `prog:` / `prog[pid]:`? Its parts go into `tag`. */
export function tagAt(s: string, a: number, b: number, tag: Tag): boolean {
  if (b - a < 2 || b - a > 80 || s.charCodeAt(b - 1) !== 58 /* : */) return false;
  let i = a;
  while (i < b - 1 && isTagChar(s.charCodeAt(i))) i++;
  if (i === a) return false;
  tag.progEnd = i;
  tag.pid = undefined;
  if (s.charCodeAt(i) === 91 /* [ */) {
    let j = i + 1,
      v = 0;
    while (j < b) {
      const c = s.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      j++;
    }
    if (j === i + 1 || s.charCodeAt(j) !== 93 /* ] */ || j + 1 !== b - 1) return false;
    tag.pid = v;
  } else if (i !== b - 1) {
    return false;
  }
  tag.payload = s.charCodeAt(b) === 32 ? b + 1 : b;
  return true;
}

// last program / host strings: a log file repeats them on every line; reusing the string saves an
// allocation per line (issue #2 budget)
let lastProgram = '',
  lastHost = '';

export function takeTag(line: string, a: number, tag: Tag): void {
  const n = tag.progEnd - a;
  S.program =
    n === lastProgram.length && line.startsWith(lastProgram, a)
      ? lastProgram
      : (lastProgram = line.slice(a, tag.progEnd));
  S.pid = tag.pid;
  S.payloadStart = tag.payload;
}

/**
 * After a date: `[host] tag: payload`, or (HAProxy `iso`/`timed` formats, tag-less daemons) the payload.
 * A host is only recognised when a tag follows it, so a tag-less `<date> 10.0.1.2:33313 [..]` keeps its
 * first payload token.
 */
export function afterDate(line: string, i: number): void {
  const from = i;
  // Memo: a file repeats `host prog[pid]: ` on every line; the same characters scan the same way,
  // so a match of the last one (ending in the space before the payload) skips the token scan.
  if (adLen > 0 && sameCodes(line, from, adCodes, adLen)) {
    if (adHost !== undefined) S.host = adHost; // else keep a host found before the date (socklog)
    S.program = adProgram;
    S.pid = adPid;
    S.payloadStart = from + adLen;
    return;
  }
  i = skipSpaces(line, i);
  const e1 = tokenEnd(line, i);
  if (tagAt(line, i, e1, TAG)) {
    takeTag(line, i, TAG);
    remember(line, from, undefined);
    return;
  }
  if (e1 < line.length) {
    const i2 = skipSpaces(line, e1);
    const e2 = tokenEnd(line, i2);
    if (tagAt(line, i2, e2, TAG)) {
      S.host = e1 - i === lastHost.length && line.startsWith(lastHost, i) ? lastHost : (lastHost = line.slice(i, e1));
      takeTag(line, i2, TAG);
      remember(line, from, S.host);
      return;
    }
  }
  S.payloadStart = i;
}

let adLen = 0,
  adHost: string | undefined,
  adProgram: string | undefined,
  adPid: number | undefined;
const adCodes = new Int32Array(128);
/** `host`: the host read after the date (not one found before it, by socklog's prefix). */
function remember(line: string, from: number, host: string | undefined): void {
  const n = S.payloadStart - from;
  if (n > 128 || n < 2 || line.charCodeAt(S.payloadStart - 1) !== 32) {
    adLen = 0;
    return;
  }
  for (let k = 0; k < n; k++) adCodes[k] = line.charCodeAt(from + k);
  adLen = n;
  adHost = host;
  adProgram = S.program;
  adPid = S.pid;
}

/** The length of the memoised `host prog[pid]: ` run when the ASCII bytes b[a, e) start with it, else -1. */
export function memoTagBytes(b: Uint8Array, a: number, e: number): number {
  return adLen > 0 && sameAsciiBytes(b, a, e, adCodes, adLen) ? adLen : -1;
}
