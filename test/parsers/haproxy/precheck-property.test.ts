/**
 * The tcplog precheck (parsers/haproxy/precheck.ts) may only answer for a line the full parser reads the same way:
 * `normalCloseOfBytes` true ⇒ `parseHaproxyLine` gives a tcplog record with a state starting with '-', the same
 * server, accept date and Tt. Generated lines (every envelope, client and name shape of tcplog-lines.ts), their
 * mutations at the character and at the byte level (invalid UTF-8 included), and garbage. The precheck reads the
 * parsers' memos, so each line is first parsed as a line before it would have been (the memos then hold its
 * minute, hour and envelope): the case where it answers at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { newNormalClose, normalCloseOfBytes, parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { TcpLogRecord } from '../../../parsers/haproxy/tcp-record.js';
import { makeZone } from '../../../parsers/zones.js';
import type { ParseContext } from '../../../parsers/types.js';
import { tcplogLine } from './tcplog-lines.js';

// no zone given: an RFC 3339 stamp's offset may move the accept date (dates.ts envelopeZoneShift), which the
// precheck must then leave to the parser
const CTX: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 10, 23) };
const out = newNormalClose();

/** checks the implication on `bytes`; true when the precheck answered */
function holds(bytes: Buffer): boolean {
  const said = normalCloseOfBytes(bytes, 0, bytes.length, CTX.zone, out);
  const text = bytes.toString('utf8');
  const r = parseHaproxyLine(text, CTX);
  if (!said) return false;
  if (!r.ok) assert.fail(`precheck said a normal close, the parser failed: ${JSON.stringify(text)} ${r.issue.message}`);
  const rec = r.value;
  if (!(rec instanceof TcpLogRecord)) assert.fail(`precheck said tcplog, the parser did not: ${JSON.stringify(text)}`);
  assert.equal(rec.state[0], '-', text);
  assert.equal(bytes.toString('utf8', out.serverStart, out.serverEnd), rec.server, text);
  assert.equal(out.t, rec.t, text);
  assert.equal(out.tt, rec.Tt, text);
  return true;
}

/** a default-format normal close in the envelopes the precheck reads: the lines it is for */
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
const name = fc.array(fc.constantFrom(...'abcXYZ019_.-:~é"\\'), { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
const timer = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 10_000_000 }));
const normalLine = fc
  .record({
    env: fc.constantFrom('', 'Nov 23 20:21:24 db-lb-01 haproxy[3968]: ', 'Feb  6 12:00:00 - haproxy: '),
    ip: fc.ipV4(),
    port: fc.integer({ min: 0, max: 65535 }),
    t: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2037, 0, 1) }),
    ms: fc.boolean(),
    names: fc.tuple(name, name, name),
    timers: fc.tuple(timer, timer, fc.integer({ min: -1, max: 10_000_000 }), fc.boolean()),
    bytes: fc.integer({ min: 0, max: 2 ** 40 }),
    state: fc.constantFrom('--', '-D', '-', '----'),
    conns: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 7, maxLength: 7 }),
  })
  .map((r) => {
    const d = new Date(r.t);
    const ms = r.ms ? `.${String(d.getUTCMilliseconds()).padStart(3, '0')}` : '';
    const date = `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${ms}`;
    const [fe, be, srv] = r.names;
    const [tw, tc, tt, asap] = r.timers;
    const c = r.conns;
    return (
      `${r.env}${r.ip}:${r.port} [${date}] ${fe} ${be}/${srv} ${tw}/${tc}/${asap ? '+' : ''}${tt} ` +
      `${asap ? '+' : ''}${r.bytes} ${r.state} ${c[0]}/${c[1]}/${c[2]}/${c[3]}/${c[4]} ${c[5]}/${c[6]}`
    );
  });

const charMutation = fc.record({
  at: fc.nat(),
  len: fc.integer({ min: 0, max: 3 }),
  text: fc.oneof(
    fc.constantFrom(' ', '/', ':', '[', ']', '-', '+', '9', '0', 'x', 'é', '\r', '  ', '.', ''),
    fc.string({ unit: 'binary', maxLength: 4 }),
  ),
});
const byteMutation = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });

let answered = 0;

test('the precheck says "normal close" only of lines the parser reads as one, with the same server and times', () => {
  fc.assert(
    fc.property(
      fc.oneof(normalLine, tcplogLine),
      fc.array(charMutation, { maxLength: 3 }),
      fc.array(byteMutation, { maxLength: 2 }),
      (line, chars, bytes) => {
        parseHaproxyLine(line, CTX); // the line before, as far as the memos can tell
        if (holds(Buffer.from(line))) answered++;
        let s = line;
        for (const m of chars) {
          const at = m.at % (s.length + 1);
          s = s.slice(0, at) + m.text + s.slice(at + m.len);
        }
        const b = Buffer.from(s);
        for (const m of bytes) if (b.length) b[m.at % b.length] = m.byte;
        holds(b);
      },
    ),
    { numRuns: 4000 },
  );
  // the implication above is empty if the precheck never answers: it must, for the plain lines
  assert.ok(answered > 400, `the precheck answered for ${answered} of 4,000 generated lines`);
});

test('garbage and near-tcplog shapes are never taken for a normal close the parser rejects', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (a) => {
      holds(Buffer.from(a));
    }),
    { numRuns: 2000 },
  );
  const tail = ' [23/Nov/2026:09:39:59.831] fe be/srv 0/3/1092 246 -- 63/46/26/24/0 0/0';
  const primer = `Nov 23 09:40:00 lb haproxy[1]: 10.0.2.134:62154${tail}`;
  parseHaproxyLine(primer, CTX);
  assert.equal(holds(Buffer.from(primer)), true, 'a plain default-format line after one like it');
  for (const l of [
    `Nov 23 09:40:00 lb haproxy[1]: 10.0.2.134:62154${tail} extra`, // a token after the queues
    `Nov 23 09:40:00 lb haproxy[1]: 10.0.2.134:62154${tail.replace('be/srv', 'be/srv host')}`, // before timers
    `Nov 23 09:40:00 lb haproxy[1]: 10.0.2.134:62154${tail.replace(' fe ', ' fe/x: ')}`, // an error log
    `Nov 23 09:40:00 lb haproxy[1]: 10.0.2.134:62154${tail.replace('0/3/1092', '0/3/1092/4/5')}`, // httplog timers
    `Nov 23 09:40:00 lb haproxy[1]: 10.0.2.134:62154${tail.replace('23/Nov/2026:09', '23/Nov/2026:10')}`, // hour
    `Nov 23 09:41:00 lb haproxy[1]: 10.0.2.134:62154${tail}`, // another minute of the syslog stamp
    `Nov 23 09:40:00 lb2 haproxy[1]: 10.0.2.134:62154${tail}`, // another host
    `2026-11-23T09:40:00+01:00 lb haproxy[1]: 10.0.2.134:62154${tail}`, // a stamp with an offset
    `Nov 23 09:40:00 lb haproxy[1]: 10.0.2.134:62154${tail.replace(' -- ', ' SD ')}`, // an abnormal close
  ]) {
    parseHaproxyLine(primer, CTX); // `l` is read against the memos of the plain line
    assert.equal(holds(Buffer.from(primer)), true, 'the plain line again');
    assert.equal(holds(Buffer.from(l)), false, l);
  }
});
