/**
 * `goneaway` command line. Every command exits non-zero with one line on stderr for bad arguments
 * or unreadable files (code from src/errors.ts), 0 otherwise.
 */
import { Command, CommanderError, Option } from 'commander';
import { isGoneawayError } from '../errors.js';
import { runParse } from './parse-command.js';
import { runCorrelate } from './correlate-command.js';
// validate, setup and agent (all asynchronous) are loaded when run: their libraries (the Elasticsearch client,
// pino, prom-client, …) cost ~0.1 s of CPU at every start of `parse` and `correlate` (`node --cpu-prof`)
const validateCommand = () => import('./validate-command.js');
const setupCommand = () => import('./setup-command.js');
const agentCommand = () => import('./agent-command.js');

const ES_NOT_INDEXED: ReadonlySet<string> = new Set(['GA_ERR_ES_UNAVAILABLE', 'GA_ERR_ES_REJECTED']);

const collect = (v: string, prev: string[]) => [...prev, v];
/** like collect, with no default shown in --help (an absent --timezone is the machine's zone) */
const collectOpt = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('goneaway')
    .description(
      'Who hung up? Explains MySQL "server has gone away" (2006) / "Lost connection" (2013) errors from app, HAProxy and MySQL/MariaDB logs.',
    )
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('parse')
    .description('parse log files into typed records (one JSON document per record)')
    .argument('<FILE...>', 'log files')
    .addOption(
      new Option('--kind <kind>', 'what the files are')
        .choices(['auto', 'haproxy', 'mysql_error', 'mysql_general', 'app', 'mysql-error', 'mysql-general'])
        .default('auto'),
    )
    .option(
      '--timezone <[file=]zone>',
      "zone of timestamps that carry none (default: this machine's); FILE=ZONE for one file (repeatable)",
      collectOpt,
    )
    .option('--haproxy-config <file>', 'read custom log-format per frontend from haproxy.cfg')
    .option('--log-format <format>', 'an HAProxy log-format string the logs were written with')
    .addOption(
      new Option('--format <format>', 'output format (default: table on a terminal, ndjson otherwise)').choices([
        'ndjson',
        'json',
        'table',
      ]),
    )
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--config <file>', 'goneaway config (YAML)')
    .option('--redact', 'replace SQL literals with ?')
    .option('--elasticsearch <url>', 'index the records into Elasticsearch instead of printing them')
    .action((files: string[], o) => settle(runParse(files, o)));

  program
    .command('correlate')
    .description('decide, for every failed connection, who terminated it, why, and what to change')
    .argument('[FILE...]', 'more log files, kinds sniffed (MySQL logs as SERVER=FILE)')
    .option('--haproxy <file>', 'HAProxy log (repeatable)', collect, [])
    .option(
      '--mysql-error <server=file>',
      'MySQL/MariaDB error log of the HAProxy server SERVER (repeatable)',
      collect,
      [],
    )
    .option('--mysql-general <server=file>', 'MySQL/MariaDB general query log of SERVER (repeatable)', collect, [])
    .option(
      '--app <[clients=]file>',
      'application log (repeatable); clients: comma-separated addresses the app connects to HAProxy from',
      collect,
      [],
    )
    .option('--haproxy-config <file>', 'haproxy.cfg: timeouts and log formats come from it')
    .option('--log-format <format>', 'an HAProxy log-format string the logs were written with')
    .option(
      '--timezone <[file=]zone>',
      "zone of timestamps that carry none (default: this machine's); FILE=ZONE for one file (repeatable)",
      collectOpt,
    )
    .option('--since <time>', 'ignore app errors before this time')
    .option('--until <time>', 'ignore app errors after this time')
    .addOption(
      new Option('--format <format>', 'output format (default: table on a terminal, ndjson otherwise)').choices([
        'table',
        'json',
        'ndjson',
        'html',
      ]),
    )
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--config <file>', 'goneaway config (YAML)')
    .option('--clock-skew <duration>', 'tolerated clock difference between hosts, e.g. 2s')
    .option('--max-error-lag <duration>', 'longest time between a closure and the app noticing it, e.g. 15m')
    .option('--elasticsearch <url>', 'index the events into Elasticsearch instead of printing them')
    .action((files: string[], o) => settle(runCorrelate(files, o)));

  program
    .command('validate')
    .description('check a goneaway config file and the files it names (like `vector validate`)')
    .option('--config <file>', 'config file', 'config/goneaway.yaml')
    .option('--no-files', 'do not check that the named log files are readable')
    .option('--no-env', 'check the file only: no files, state directory, Elasticsearch or Kibana')
    .action((o) => settle(validateCommand().then((m) => m.runValidate(o))));

  program
    .command('setup')
    .description('install the lifecycle policy, templates and data streams in Elasticsearch (and Kibana objects)')
    .option('--elasticsearch <url>', 'the cluster (default: output.elasticsearch.hosts of --config)')
    .option('--kibana <url>', 'also import the saved objects into this Kibana (default: output.kibana.url)')
    .option('--kibana-objects <file>', 'the saved objects NDJSON to import (default: config/kibana/*.ndjson)')
    .option('--config <file>', 'goneaway config (YAML)')
    .action((o) => settle(setupCommand().then((m) => m.runSetup(o))));

  program
    .command('agent')
    .description('tail the logs, correlate as lines arrive, index records and verdicts (runs until SIGTERM)')
    .option('--config <file>', 'goneaway config (YAML): the inputs, correlate.*, output.*, agent.*')
    .action((o) => settle(agentCommand().then((m) => m.runAgent(o))));

  return program;
}

/** a command's exit status, now or when its promise settles (the Elasticsearch output is asynchronous) */
function settle(r: number | Promise<number>): void {
  if (typeof r === 'number') process.exitCode = r;
  else
    r.then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => reportError(e),
    );
}

export function main(argv: string[]): void {
  const program = buildProgram();
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its one-line message (or the help / version)
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    reportError(e);
  }
}

/** one line on stderr and the exit status for an error a command threw */
function reportError(e: unknown): void {
  if (isGoneawayError(e)) {
    process.stderr.write(`goneaway: ${e.oneLine()}\n`);
    // 3: events were not indexed (saved to the leftover or dead-letter file), as opposed to bad input
    process.exitCode = ES_NOT_INDEXED.has(e.code) ? 3 : 2;
    return;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')) {
    process.stderr.write(`goneaway: GA_ERR_FILE_UNREADABLE: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (err && err.code === 'EPIPE') {
    process.exitCode = 0;
    return;
  }
  process.stderr.write(`goneaway: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 70;
}
