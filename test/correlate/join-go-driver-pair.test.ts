import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

// go-sql-driver logs the read error itself (`[mysql] … packets.go:58 unexpected EOF`) and then
// returns ErrInvalidConn, which the app logs as `… invalid connection` (docs/client-errors.md §4): two
// lines, one dead connection. The second must not claim another closure.
const S = T0 + 30_000;

test('the app\'s "invalid connection" right after the driver\'s own line repeats its verdict', () => {
  const { appErrors } = new Incident()
    // the Go app's connection: HAProxy's timeout client closed it
    .session({ port: 40100, accept: S - 40_000, tt: 30_000, state: 'cD' })
    // another client's connection, closed by wait_timeout a moment before the Go error
    .aborted('replica1', S, 12, 'Got timeout reading communication packets')
    .session({ port: 40200, accept: S - 20_000, tt: 20_100, state: 'SD' })
    .goLine(S + 200, 'unexpected EOF')
    .goLine(S + 200, 'query failed: invalid connection', false)
    .run({ skew: 1000 });
  assert.equal(appErrors.length, 2);
  const [first, second] = appErrors.sort((a, b) => Number((a.log as Doc).offset) - Number((b.log as Doc).offset));
  assert.equal((ga(second!).join as Doc).method, 'same_connection_repeat', String(ga(second!).why));
  assert.equal(ga(second!).cause, ga(first!).cause);
  assert.equal((second!.source as Doc | undefined)?.port, (first!.source as Doc | undefined)?.port);
});

test('an "invalid connection" seconds after the driver\'s line is a new error, joined on its own', () => {
  const { appErrors } = new Incident()
    .session({ port: 40100, accept: S - 40_000, tt: 30_000, state: 'cD' })
    .aborted('replica1', S + 5000, 12, 'Got timeout reading communication packets')
    .session({ port: 40200, accept: S - 15_000, tt: 20_100, state: 'SD' })
    .goLine(S + 200, 'unexpected EOF')
    .goLine(S + 5200, 'query failed: invalid connection', false)
    .run({ skew: 1000 });
  const second = appErrors.find((e) => String((e.error as Doc).code) === 'invalid_connection')!;
  assert.notEqual((ga(second).join as Doc).method, 'same_connection_repeat');
});
