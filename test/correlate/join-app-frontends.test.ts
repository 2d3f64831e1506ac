/**
 * `app.files[].frontends` (config → CorrelateSettings `appFrontends`) changes a time-only pairing: an app's
 * sessions come through the frontends its config names, so another frontend's closure is not its, even from
 * the same client address (README "goneaway correlate", docs/confidence.md "Keys besides time").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';
import { validateConfig } from '../../src/config/schema.js';
import { appSpecOf } from '../../src/config/app-spec.js';

// Two apps behind one NAT address (10.0.1.5): PHP connects through frontend `mysql_php`, a report worker
// through `mysql_reports`. HAProxy's `timeout client` closed PHP's idle connection (cD) 10 s before PHP's
// next query failed; in that very second a DBA killed the report worker's thread 12, whose half-open session
// HAProxy logged `--` when the worker wrote to it (docs/lab-findings.md §3, scenario 04). By time alone the
// KILL at the error is by far the likelier closure for PHP's 2006; the frontend says it is not PHP's.
function twoAppsOneNat(): Incident {
  return new Incident()
    .connect('replica1', T0 + 5, 12)
    .gen('replica1', T0 + 50, 12, 'Query', 'select 1')
    .connect('replica1', T0 + 20_000, 14, 'dba')
    .gen('replica1', T0 + 20_010, 14, 'Query', 'KILL 12')
    .session({ port: 43001, accept: T0, tt: 20_300, state: '--', ip: '10.0.1.5', frontend: 'mysql_reports' })
    .session({ port: 43002, accept: T0 + 1000, tt: 9_000, state: 'cD', ip: '10.0.1.5', frontend: 'mysql_php' })
    .php2006(T0 + 20_000);
}

/** the config's app files, as `goneaway correlate` turns them into settings (src/cli/correlate-inputs.ts) */
function frontendsOf(files: unknown[]): Record<string, string[]> {
  const v = validateConfig({ app: { files } });
  assert.ok(v.ok, JSON.stringify(v));
  const out: Record<string, string[]> = {};
  if (v.ok) for (const a of v.config.app.files.map(appSpecOf)) if (a.frontends) out[a.path] = a.frontends;
  return out;
}

test("app.files[].frontends: another frontend's closure from the same address is not the app's", () => {
  const php = (run: ReturnType<Incident['run']>) => run.appErrors[0]!;
  // without the key, time picks the KILL of the other app's connection
  const without = php(twoAppsOneNat().run());
  assert.equal(ga(without).cause, 'mysql_kill');
  assert.equal((without.source as Doc).port, 43001);
  // with it, PHP's own closure through mysql_php
  const frontends = frontendsOf([{ path: 'app-php.log', frontends: ['mysql_php'] }]);
  const keyed = php(twoAppsOneNat().run({ frontends }));
  assert.equal(ga(keyed).cause, 'haproxy_timeout_client');
  assert.equal((keyed.source as Doc).port, 43002);
  assert.equal((keyed.haproxy as Doc).frontend_name, 'mysql_php');
  // and the key decides, not the order: naming the other frontend gives the other closure
  const other = php(
    twoAppsOneNat().run({ frontends: frontendsOf([{ path: 'app-php.log', frontends: ['mysql_reports'] }]) }),
  );
  assert.equal((other.source as Doc).port, 43001);
});
