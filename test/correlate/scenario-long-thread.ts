/**
 * Two pooled MySQL connections that outlive the correlation window (issue 14, "Checkpoints and restarts"): what
 * test/correlate/held-long-thread.test.ts and test/agent/agent-restart-long-thread.test.ts run.
 * The shapes are lab-observed (scenario.ts): a wait_timeout closes an idle pooled connection with "Got timeout
 * reading communication packets" and HAProxy logs it `SD` (docs/lab-findings.md §4).
 */
import { Incident, T0 } from './scenario.js';

export const MIN = 60_000;
export const HOURS = 3;
/** how far back the window reaches (correlator.ts `horizon`): maxLag + 2·skew + settle + the retry + 2 s */
export const HORIZON = 900_000 + 2 * 2000 + 5000 + 10_000 + 2000;
/** thread 5 stops querying: both threads idle from here */
export const IDLE_FROM = T0 + HOURS * 60 * MIN;
/** thread 5's death: its session ends and its error-log line is written here, its app error 40 s later */
export const DEAD5 = IDLE_FROM + 600_000;

/**
 * Thread 5 (HAProxy session on port 30001) connects at T0 and queries every minute for HOURS, then idles until
 * wait_timeout (600 s) closes it; PHP's next use fails. Thread 6 (port 30002, user `report`) lives as long and is
 * closed the same way with no app error: a `connection` event. Beside them a short connection every minute.
 */
export function incident(): Incident {
  const inc = new Incident().connect('replica1', T0 + 10, 5).connect('replica1', T0 + 1010, 6, 'report');
  for (let m = 1; m < HOURS * 60; m++) {
    const t = T0 + m * MIN;
    inc.gen('replica1', t, 5, 'Query', `select ${m} from orders`);
    inc.gen('replica1', t + 500, 6, 'Query', `select ${m} from reports`);
    inc.connect('replica1', t + 200, 1000 + m).gen('replica1', t + 700, 1000 + m, 'Quit', '');
    inc.session({ port: 20000 + m, accept: t + 150, tt: 600, state: '--' });
  }
  inc.aborted('replica1', DEAD5, 5, 'Got timeout reading communication packets');
  inc.session({ port: 30001, accept: T0, tt: DEAD5 - T0, state: 'SD' });
  inc.php2006(DEAD5 + 40_000);
  const dead6 = IDLE_FROM + 660_000;
  inc.aborted('replica1', dead6, 6, 'Got timeout reading communication packets');
  inc.session({ port: 30002, accept: T0 + 1000, tt: dead6 - T0 - 1000, state: 'SD' });
  // traffic goes on past every decision
  for (let m = 1; m <= 30; m++) inc.session({ port: 40000 + m, accept: dead6 + m * MIN, tt: 300, state: '--' });
  return inc;
}
