// A dedicated rsyslogd (never the system one) receiving HAProxy's UDP syslog on 127.0.0.1:33514 and writing
// haproxy.log in RSYSLOG_TraditionalFileFormat plus extra/haproxy-rfc3339.log in RSYSLOG_FileFormat
// (docs/lab-findings.md §1: the rule is Debian's 49-haproxy.conf; a stock Debian 12 host writes the RFC3339 variant).
import fs from 'node:fs';
import path from 'node:path';
import { sleep, waitFor, type Managed, type ProcessRegistry } from './proc.js';
import { SYSLOG_PORT } from './haproxy.js';

export function rsyslogConfig(workDir: string, traditional: string, rfc3339: string): string {
  return [
    `global(workDirectory="${workDir}" maxMessageSize="64k")`,
    'module(load="imudp")',
    `input(type="imudp" address="127.0.0.1" port="${SYSLOG_PORT}")`,
    "if $programname startswith 'haproxy' then {",
    `  action(type="omfile" file="${traditional}" template="RSYSLOG_TraditionalFileFormat")`,
    `  action(type="omfile" file="${rfc3339}" template="RSYSLOG_FileFormat")`,
    '  stop',
    '}',
    '',
  ].join('\n');
}

/** Is a UDP socket bound on 127.0.0.1:<port>? (/proc/net/udp, addresses in little-endian hex) */
function udpBound(port: number): boolean {
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return fs
    .readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .some((l) => l.trim().split(/\s+/)[1] === want);
}

export class Rsyslog {
  proc: Managed | undefined;
  constructor(
    private readonly reg: ProcessRegistry,
    private readonly stateDir: string,
    private readonly outDir: string,
  ) {}

  async start(): Promise<void> {
    const work = path.join(this.stateDir, 'rsyslog');
    fs.mkdirSync(work, { recursive: true });
    fs.mkdirSync(path.join(this.outDir, 'extra'), { recursive: true });
    const conf = path.join(this.stateDir, 'rsyslog.conf');
    fs.writeFileSync(
      conf,
      rsyslogConfig(
        work,
        path.join(this.outDir, 'haproxy.log'),
        path.join(this.outDir, 'extra', 'haproxy-rfc3339.log'),
      ),
    );
    const pidFile = path.join(this.stateDir, 'rsyslogd.pid');
    fs.rmSync(pidFile, { force: true });
    const stdio = path.join(this.stateDir, 'rsyslogd.stdio');
    const p = this.reg.spawn('rsyslogd', '/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', pidFile], {
      stdout: stdio,
      stderr: stdio,
    });
    this.proc = p;
    await waitFor(
      'rsyslogd udp',
      () => {
        if (p.exit) throw new Error(`rsyslogd exited: ${fs.readFileSync(stdio, 'utf8')}`);
        return udpBound(SYSLOG_PORT);
      },
      10000,
      20,
    );
  }

  /** Gives in-flight datagrams a moment, then stops (rsyslog flushes its files on SIGTERM). */
  async stop(): Promise<void> {
    if (!this.proc) return;
    await sleep(300);
    await this.reg.stop(this.proc, 'SIGTERM', 5000);
  }
}
