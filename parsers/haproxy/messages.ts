/**
 * Non-traffic HAProxy messages (docs/haproxy-logs.md §1.7, docs/parsing-pitfalls.md #6, docs/lab-findings.md §3,
 * scenario 06/07/09): server state
 * changes from health checks, proxy start/stop/hard-stop at reloads, "no server available", and the
 * `[ALERT]`/`[WARNING]`/`[NOTICE]` lines HAProxy writes to stderr. These lines carry no date of their
 * own: the envelope date is used (year from ctx.refTime when it is year-less, docs/parsing-pitfalls.md #3).
 * Table-driven: one regex + one builder per message kind.
 */
import type { Doc, ParseContext, ParseResult } from '../types.js';
import type { Envelope } from '../syslog.js';
import { closestYear } from '../time.js';
import { envelopeTime, messageDoc } from './fields.js';

type Built = { type: string; extra: Doc; t?: number };
type Rule = { re: RegExp; build: (m: RegExpExecArray, ctx: ParseContext) => Built };

const int = (s: string | undefined) => (s === undefined ? undefined : Number(s));

/**
 * `reason: Layer7 wrong status, code: 1045, info: "…", check duration: 0ms` and the counters after it.
 * Each part after the reason is optional: `option log-health-checks` lines of an observe/on-error
 * failure have no check duration (`reason: Health analyze, info: "Detected 10 consecutive errors, …",
 * status: 0/2 DOWN.`, haproxy/haproxy#1234), so the reason ends at the next label, not at the duration.
 */
function serverDetails(text: string, d: Doc): void {
  const r = /reason: (.*?)(?=,? check duration: |, (?:code|info|status): |\. |\.?$)/.exec(text);
  if (r) {
    d.reason = r[1];
    let rest = text.slice(r.index + r[0].length);
    const c = /^, code: (\d+)/.exec(rest);
    if (c) {
      d.check_code = Number(c[1]);
      rest = rest.slice(c[0].length);
    }
    const i = /^, info: "((?:[^"\\]|\\.)*)"/.exec(rest);
    if (i) {
      d.check_info = i[1];
      rest = rest.slice(i[0].length);
    }
    const du = /^,? check duration: (\d+)ms/.exec(rest);
    if (du) d.check_duration_ms = Number(du[1]);
  }
  const left = /(\d+) active and (\d+) backup servers? (left|online)/.exec(text);
  if (left) {
    d.active_servers = Number(left[1]);
    d.backup_servers = Number(left[2]);
  }
  const act = /(\d+) sessions active, (\d+) requeued, (\d+) remaining in queue/.exec(text);
  if (act) {
    d.sessions_active = Number(act[1]);
    d.requeued = Number(act[2]);
    d.remaining_in_queue = Number(act[3]);
  }
  const req = /(\d+) sessions requeued, (\d+) total in queue/.exec(text);
  if (req) {
    d.requeued = Number(req[1]);
    d.total_in_queue = Number(req[2]);
  }
}

function serverState(rest: string): string {
  if (/^is (?:going DOWN for maintenance|now in maintenance)|enters maintenance|is MAINT|is in maintenance/.test(rest))
    return 'MAINT';
  if (/^is DOWN/.test(rest)) return 'DOWN';
  if (/^is (?:UP|READY)/.test(rest)) return 'UP';
  if (/^is (?:DRAIN|stopping|going to DRAIN)|enters drain/.test(rest)) return 'DRAIN';
  return 'OTHER';
}

/** `[ALERT] 087/151909 (47)`: day-of-year + HHMMSS, year-less → placed with refTime like rfc3164 dates */
function stderrTime(doy: string | undefined, hms: string | undefined, ctx: ParseContext): number | undefined {
  if (!doy || !hms || ctx.refTime === undefined) return undefined;
  const ref = new Date(ctx.refTime).getUTCFullYear();
  const d = new Date(Date.UTC(ref, 0, Number(doy) + 1));
  const h = Number(hms.slice(0, 2)),
    mi = Number(hms.slice(2, 4)),
    s = Number(hms.slice(4, 6));
  const y = closestYear(
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    h,
    mi,
    s,
    ctx.refTime,
    ctx.zone,
    ctx.refTimeIsUpperBound === true,
  );
  const dd = new Date(Date.UTC(y, 0, Number(doy) + 1));
  return ctx.zone.toEpoch(y, dd.getUTCMonth() + 1, dd.getUTCDate(), h, mi, s, 0);
}

/** `[WARNING]  (8) : …` on HAProxy's stderr */
const ALERT_RULE: Rule = {
  re: /^\[(ALERT|WARNING|NOTICE|DEBUG|INFO|EMERG|CRIT|ERR|ERROR)\]\s*(?:(\d{3})\/(\d{6}))?\s*(?:\((\d+)\))?\s*:\s?(.*)$/,
  build: (m, ctx) => {
    const t = stderrTime(m[2], m[3], ctx);
    const alert: Doc = { level: m[1]!.toLowerCase(), message: m[5] };
    if (m[4] !== undefined) alert.pid = Number(m[4]);
    return { type: 'alert', extra: { alert }, t };
  },
};
/** last resort for proxy lines: kept, typed 'other' */
const OTHER_PROXY_RULE: Rule = {
  re: /^(?:Proxy|Frontend|Backend) (\S+) (.+)$/,
  build: (m) => ({ type: 'proxy_state', extra: { proxy_state: { proxy: m[1], action: 'other', text: m[2] } } }),
};

const RULES: Rule[] = [
  // a backup server's lines start `Backup Server …` (`"%sServer %s/%s is DOWN", … SRV_F_BACKUP ? "Backup " : ""`
  // in HAProxy's checks.c / server.c)
  {
    re: /^(Backup )?Server ([^/\s]+)\/(\S+?)(?: \('[^']*'\))? (.*)$/,
    build: (m) => {
      const rest = m[4]!;
      const d: Doc = { backend: m[2], server: m[3], state: serverState(rest) };
      if (m[1]) d.backup = true;
      serverDetails(rest, d);
      return { type: 'server_state', extra: { backend_name: m[2], server_name: m[3], server_state: d } };
    },
  },
  // `"%s check for %sserver %s/%s %s%s", CHK_ST_AGENT ? "Agent" : "Health"` (checks.c, option log-health-checks)
  {
    re: /^(Health|Agent) check for (backup )?server ([^/\s]+)\/(\S+) (succeeded|failed|conditionally succeeded)(.*)$/,
    build: (m) => {
      const d: Doc = { backend: m[3], server: m[4], result: m[5], backup: !!m[2] };
      if (m[1] === 'Agent') d.agent = true;
      serverDetails(m[6]!, d);
      const st = /status: (\d+)\/(\d+) (UP|DOWN)/.exec(m[6]!);
      if (st) {
        d.status = st[3];
        d.rise_fall = `${st[1]}/${st[2]}`;
      }
      return { type: 'health_check', extra: { backend_name: m[3], server_name: m[4], health_check: d } };
    },
  },
  {
    re: /^(?:Proxy|Frontend|Backend) (\S+) started\.?$/,
    build: (m) => ({ type: 'proxy_state', extra: { proxy_state: { proxy: m[1], action: 'started' } } }),
  },
  {
    re: /^(?:Proxy|Frontend|Backend) (\S+) hard-stopped \((\d+) remaining conns will be closed\)\.?$/,
    build: (m) => ({
      type: 'proxy_state',
      extra: { proxy_state: { proxy: m[1], action: 'hard-stopped', remaining_conns: int(m[2]) } },
    }),
  },
  {
    re: /^(?:Proxy|Frontend|Backend) (\S+) stopped \((.*)\)\.?$/,
    build: (m) => {
      const d: Doc = { proxy: m[1], action: 'stopped' };
      const fe = /FE: (\d+)/.exec(m[2]!),
        be = /BE: (\d+)/.exec(m[2]!);
      if (fe) d.frontend_conns = Number(fe[1]);
      if (be) d.backend_conns = Number(be[1]);
      return { type: 'proxy_state', extra: { proxy_state: d } };
    },
  },
  {
    re: /^Stopping (frontend|backend|proxy) (\S+) in (\d+) ms\.?$/,
    build: (m) => ({
      type: 'proxy_state',
      extra: { proxy_state: { proxy: m[2], action: 'stopping', kind: m[1], grace_ms: int(m[3]) } },
    }),
  },
  {
    re: /^(?:Pausing|Paused) (?:frontend|proxy|backend) (\S+)\.?$|^(?:Proxy|Frontend) (\S+) paused\.?$/,
    build: (m) => ({ type: 'proxy_state', extra: { proxy_state: { proxy: m[1] ?? m[2], action: 'paused' } } }),
  },
  {
    re: /^(?:Resuming|Resumed) (?:frontend|proxy|backend) (\S+)\.?$|^(?:Proxy|Frontend) (\S+) resumed\.?$/,
    build: (m) => ({ type: 'proxy_state', extra: { proxy_state: { proxy: m[1] ?? m[2], action: 'resumed' } } }),
  },
  {
    re: /^soft-stop running for too long, performing a hard-stop\.?$/,
    build: () => ({ type: 'hard_stop', extra: {} }),
  },
  // syslog: `backend be has no server available!`; stderr (ha_alert, 2.x+): `backend 'be' has no server available!`
  // (both from set_backend_down(); a proxy name cannot hold a quote, so the quotes are only framing)
  {
    re: /^(?:backend|proxy) (?:'([^'\s]+)'|(\S+)) has no server available!?$/,
    build: (m) => ({ type: 'no_server', extra: { backend_name: m[1] ?? m[2] } }),
  },
  ALERT_RULE,
  OTHER_PROXY_RULE,
];

/** the message inside a stderr line (`text` comes from the trimmed line) */
function innerMessage(text: string, ctx: ParseContext): Built | undefined {
  for (const rule of RULES) {
    if (rule === ALERT_RULE || rule === OTHER_PROXY_RULE) continue;
    const m = rule.re.exec(text);
    if (m) return rule.build(m, ctx);
  }
  return undefined;
}

/** A recognised non-traffic message, or undefined. */
export function parseMessage(payload: string, env: Envelope | undefined, ctx: ParseContext): ParseResult | undefined {
  const text = payload.trimEnd();
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (!m) continue;
    let b = rule.build(m, ctx);
    if (b.type === 'alert') {
      // HAProxy's stderr (containers: `docker logs haproxy`) carries the same state messages as
      // its syslog output: `[WARNING]  (8) : Server b/s is DOWN, reason: …` is a server_state
      const alert = b.extra.alert as Doc;
      const inner = innerMessage(String(alert.message ?? ''), ctx);
      if (inner) b = { type: inner.type, extra: { ...inner.extra, alert }, t: b.t ?? inner.t };
    }
    // The envelope's stamp is when the line was logged. HAProxy's own `[WARNING] 099/202615 (pid)` is
    // year-less and can be stale: a 1.8 master wrote `099/202615` on a line rsyslog stamped `Apr 11
    // 07:35:56`, and a day-of-year is a different date in leap years (docs/haproxy-logs.md §1.7).
    const envT = env ? envelopeTime(env, ctx) : undefined;
    const t = envT ?? b.t;
    const doc = messageDoc(b.type, text, env, t, b.extra);
    if (b.extra.alert !== undefined) {
      // log.* belongs to the pipeline (COMMON.md): the level stays in haproxy.alert.level
      const pid = (b.extra.alert as Doc).pid;
      if (pid !== undefined && doc.process === undefined) doc.process = { pid };
    }
    return { ok: true, value: { kind: 'haproxy', t, doc } };
  }
  return undefined;
}

/** Any other message from a syslog program named haproxy: kept as a record, typed 'other'. */
export function otherMessage(payload: string, env: Envelope, ctx: ParseContext): ParseResult {
  const t = envelopeTime(env, ctx);
  return { ok: true, value: { kind: 'haproxy', t, doc: messageDoc('other', payload, env, t, {}) } };
}
