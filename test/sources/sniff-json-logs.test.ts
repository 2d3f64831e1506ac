/**
 * JSON lines are claimed by three parsers (HAProxy JSON log-formats, MySQL 8's JSON sink, JSON app
 * loggers). A plain FILE is sniffed by which parser accepts its lines, so each must claim only its own:
 * a date, `pid` or `hostname` is any logger's; MySQL's sink always writes err_code/prio/subsystem;
 * HAProxy JSON needs a traffic field, and a numeric `ts` (the sink's epoch ms) is no termination state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffLines } from '../../src/sources/sniff.js';
import { makeZone } from '../../parsers/zones.js';

const ctx = { zone: makeZone('UTC') };
const LOGS: Record<string, [string, string]> = {
  pino: [
    'app',
    '{"level":50,"time":1795563825516,"pid":15356,"hostname":"vm","msg":"mysql connection error","err":{"type":"Error","code":"PROTOCOL_CONNECTION_LOST","message":"Connection lost: The server closed the connection."},"db":{"localPort":38948,"threadId":8}}',
  ],
  bunyan: [
    'app',
    '{"name":"api","hostname":"vm","pid":1,"level":50,"err":{"message":"Connection lost: The server closed the connection.","name":"Error","code":"PROTOCOL_CONNECTION_LOST"},"msg":"db error","time":"2026-11-23T20:27:25.948Z","v":0}',
  ],
  winston: [
    'app',
    '{"level":"error","message":"Connection lost: The server closed the connection.","code":"PROTOCOL_CONNECTION_LOST","timestamp":"2026-11-23T20:27:25.948Z"}',
  ],
  monolog: [
    'app',
    '{"message":"SQLSTATE[HY000]: General error: 2006 MySQL server has gone away","context":{},"level":400,"level_name":"ERROR","channel":"production","datetime":"2026-11-23T20:27:25.948000+00:00","extra":{}}',
  ],
  mysqlSink: [
    'mysql_error',
    '{ "prio" : 2, "err_code" : 10914, "subsystem" : "Server", "source_file" : "sql_connect.cc", "function" : "end_connection", "msg" : "Aborted connection 8 to db: \'unconnected\' user: \'root\' host: \'localhost\' (Got an error reading communication packets).", "time" : "2020-02-04T15:22:09.135540Z", "ts" : 1580829729135, "thread" : 8, "err_symbol" : "ER_ABORTING_USER_CONNECTION", "SQL_state" : "HY000", "label" : "Note" }',
  ],
  haproxyJson: [
    'haproxy',
    '{"client":"127.0.0.1:57192","accept_date":"23/Nov/2026:20:27:43.026","frontend":"mysql_ro_json","backend":"b","server":"s","Tt":4021,"termination_state":"cD"}',
  ],
};

for (const [name, [kind, line]] of Object.entries(LOGS)) {
  test(`a ${name} JSON log is sniffed as ${kind}`, () => {
    assert.equal(sniffLines([line, line, line, line], ctx).kind, kind);
  });
}
