/**
 * Generated tcplog lines with every optional part: envelopes, '-'/unix/hostname clients, logasap '+',
 * redispatch, extra tokens, a destination token, names that need JSON escaping. For the property test
 * of the tcplog NDJSON byte writer (src/sinks/tcplog-ndjson.ts, test/sinks/tcplog-ndjson-bytes.test.ts).
 */
import fc from 'fast-check';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
function hapDate(t: number): string {
  const d = new Date(t);
  return `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}

// names without space or '/', but with characters JSON must escape (quote, backslash, control, non-ASCII)
const odd = fc.constantFrom('"', '\\', '\u0001', 'é', '\ud83d\ude00', '\ud800', '\t');
const name = fc
  .array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...'abcXYZ019_.-:~') }, { weight: 1, arbitrary: odd }), {
    minLength: 1,
    maxLength: 12,
  })
  .map((a) => a.join(''));
const timer = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 10_000_000 }));
const client = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('-', 'unix', 'db-app-01'));
const envelope = fc.constantFrom(
  '',
  'haproxy[12]: ',
  'Nov 23 20:21:24 db-lb-01 haproxy[3968]: ',
  'Nov 23 20:21:24 - haproxy: ',
  '<134>Feb  6 12:00:00 haproxy[1]: ',
  '2026-11-23T20:21:24.5+01:00 lb haproxy[3]: ',
  '<134>1 2020-06-15T02:58:18+00:00 h haproxy 40 - - ',
  '<134>1 2020-06-15T02:58:18+00:00 - - - - - ',
);

export const tcplogLine = fc
  .record({
    env: envelope,
    client,
    port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    t: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2037, 0, 1) }),
    fe: name,
    be: name,
    srv: fc.oneof(name, fc.constant('<NOSRV>')),
    dest: fc.option(name, { nil: undefined }),
    tw: timer,
    tc: timer,
    tt: fc.integer({ min: 0, max: 10_000_000 }),
    asap: fc.boolean(),
    bytes: fc.integer({ min: 0, max: 2 ** 40 }),
    state: fc.tuple(fc.constantFrom(...'-CcSsPLRIDUK'), fc.constantFrom(...'-RQCHDLT')).map(([a, b]) => a + b),
    conns: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 5, maxLength: 5 }),
    redisp: fc.boolean(),
    sq: fc.nat(99),
    bq: fc.nat(99),
    extra: fc.option(fc.constantFrom('127.0.0.1:41000', '{x} "y"', 'a\\b'), { nil: undefined }),
  })
  .map((r) => {
    const [ac, fcn, bc, sc, rc] = r.conns;
    const cp = r.port === undefined ? `${r.client}:` : `${r.client}:${r.port}`;
    return (
      `${r.env}${cp} [${hapDate(r.t)}] ${r.fe} ${r.be}/${r.srv} ${r.dest !== undefined ? r.dest + ' ' : ''}${r.tw}/${r.tc}/${r.asap ? '+' : ''}${r.tt} ` +
      `${r.asap ? '+' : ''}${r.bytes} ${r.state} ${ac}/${fcn}/${bc}/${sc}/${r.redisp ? '+' : ''}${rc} ${r.sq}/${r.bq}${r.extra !== undefined ? ' ' + r.extra : ''}`
    );
  });
