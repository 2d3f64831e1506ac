/** An incident's records with a time, in time order, each with its `orderTime`: what a driver pushes. */
import { orderTime, type SourcedRecord } from '../../src/correlate/record-time.js';
import type { Incident } from './scenario.js';

export function timedRecords(inc: Incident): Array<SourcedRecord & { time: number }> {
  const s = inc.sources();
  const out: Array<SourcedRecord & { time: number }> = [];
  for (const log of [...s.haproxy, ...s.mysqlGeneral, ...s.mysqlError, ...s.app])
    for (const r of log) {
      const time = orderTime(r);
      if (time !== undefined) out.push({ ...r, time });
    }
  return out.sort((a, b) => a.time - b.time);
}
