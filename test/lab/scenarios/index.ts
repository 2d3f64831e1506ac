// The lab's scenarios, in run order.
import type { ScenarioDef } from '../lib/scenario.js';
import { s07, s08, s09 } from './haproxy.js';
import { s10, s11, s12 } from './misc.js';
import { s04, s05, s06, s06b } from './mysql.js';
import { s13 } from './mixed.js';
import { s01, s02, s03 } from './timeouts.js';

export const SCENARIOS: ScenarioDef[] = [s01, s02, s03, s04, s05, s06, s06b, s07, s08, s09, s10, s11, s12, s13];
