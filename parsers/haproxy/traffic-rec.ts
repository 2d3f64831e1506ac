/**
 * The flat record every traffic-line parser fills (built-in httplog, compiled log-formats, JSON) and
 * fields.ts turns into the document. Its own module so that the document builders (fields.ts,
 * http-fields.ts) can share it without importing each other.
 */
/** Everything a traffic line can tell; absent = not in this format. Timers: -1 = phase never reached. */
export interface TrafficRec {
  logFormat: string;
  mode: 'tcp' | 'http';
  client?: string; // raw %ci text: IP, '-', 'unix'
  clientPort?: number;
  accept?: number; // epoch ms of the accept date
  request?: number; // epoch ms of the request date (%tr)
  frontend?: string;
  bind?: string;
  backend?: string;
  server?: string;
  Th?: number;
  Ti?: number;
  TR?: number;
  Tq?: number;
  Tw?: number;
  Tc?: number;
  Tr?: number;
  Td?: number;
  Ta?: number;
  Tt?: number;
  Tu?: number;
  /** pre-1.7 httplog: the 1st/5th timers are Tq/Tt and the date is the accept date (docs/haproxy-logs.md §1.4) */
  legacyHttpTimers?: boolean;
  logasap?: boolean;
  bytesRead?: number;
  bytesUploaded?: number;
  state?: string;
  ac?: number;
  fc?: number;
  bc?: number;
  sc?: number;
  rc?: number;
  redispatched?: boolean;
  sq?: number;
  bq?: number;
  status?: number;
  reqCookie?: string;
  resCookie?: string;
  reqHeaders?: string;
  resHeaders?: string;
  requestLine?: string;
  truncated?: boolean;
  method?: string;
  uri?: string;
  httpVersion?: string;
  feIp?: string;
  fePort?: number;
  bsIp?: string;
  bsPort?: number;
  srvIp?: string;
  srvPort?: number;
  /** Elastic: an unknown token between server and timers (Host header in a custom format, beats#25827) */
  destination?: string;
  extra?: string;
  fcErr?: number;
  sslFcErr?: number;
  sslCErr?: number;
  sslCCaErr?: number;
  resumed?: boolean;
  sni?: string;
  sslVersion?: string;
  sslCipher?: string;
  uniqueId?: string;
  pid?: number;
  hostname?: string;
  origin?: string;
  requestCounter?: string;
  samples?: Record<string, string>;
}
