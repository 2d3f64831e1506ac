/**
 * HTTP / TLS parts of a traffic document (httplog, httpslog, custom HTTP formats): Elastic's names —
 * haproxy.http.request/response.*, http.*, url.* (grok + uri_parts), tls.* (HTTPS_DATA) — from the
 * integrations ingest pipeline default.yml.
 */
import type { Doc } from '../types.js';
import type { TrafficRec } from './traffic-rec.js';

/**
 * Header capture block content → list, with Java String#split semantics as Elastic's `split`
 * processor (trailing empty strings dropped, "" → [""]) so `{|||}` → [] and `{}` → [""].
 */
export function splitCaptures(s: string): string[] {
  if (s === '') return [''];
  const parts = s.split('|');
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  parts.length = n;
  return parts;
}

/** `GET /a/b.js?x=1 HTTP/1.1` → method, url.*, version (Elastic grok + uri_parts). */
export function applyRequestLine(doc: Doc, rec: TrafficRec, httpReq: Doc): void {
  let method = rec.method,
    uri = rec.uri,
    version = rec.httpVersion;
  const line = rec.requestLine;
  if (line !== undefined && method === undefined && line !== '<BADREQ>' && line !== '') {
    const sp1 = line.indexOf(' ');
    if (sp1 > 0) {
      method = line.slice(0, sp1);
      const sp2 = line.lastIndexOf(' ');
      if (sp2 > sp1 && line.startsWith('HTTP/', sp2 + 1)) {
        uri = line.slice(sp1 + 1, sp2);
        version = line.slice(sp2 + 6);
      } else {
        uri = line.slice(sp1 + 1); // HTTP/0.9 style or truncated (1024-byte syslog limit)
      }
      if (!/^[A-Za-z-]+$/.test(method)) {
        method = undefined;
        uri = undefined;
        version = undefined;
      }
    }
  }
  if (method !== undefined) httpReq.method = method;
  if (version !== undefined && version !== '') {
    const v = version.startsWith('HTTP/') ? version.slice(5) : version;
    if (v !== '') (doc.http as Doc).version = v;
  }
  if (uri !== undefined && uri !== '' && uri !== '-') doc.url = urlParts(uri);
}

export function urlParts(uri: string): Doc {
  const url: Doc = { original: uri };
  let rest = uri;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(uri);
  if (m) {
    url.scheme = m[1]!.toLowerCase();
    const auth = m[2]!;
    const at = auth.lastIndexOf('@');
    const hp = at >= 0 ? auth.slice(at + 1) : auth;
    const hpm = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(hp);
    if (hpm) {
      url.domain = hpm[1]!.replace(/^\[|\]$/g, '');
      if (hpm[2]) url.port = Number(hpm[2]);
    }
    rest = uri.slice(m[0].length) || '/';
  } else if (!uri.startsWith('/') && !uri.startsWith('*')) {
    // CONNECT host:port (authority form)
    const hpm = /^([^:/?#\s]+):(\d+)$/.exec(uri);
    if (hpm) {
      url.domain = hpm[1]!;
      url.port = Number(hpm[2]);
    }
    return url;
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    url.fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  const path = q >= 0 ? rest.slice(0, q) : rest;
  url.path = path;
  if (q >= 0) url.query = rest.slice(q + 1);
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot > slash + 1 && dot < path.length - 1) url.extension = path.slice(dot + 1);
  return url;
}

export function buildHttp(doc: Doc, hap: Doc, rec: TrafficRec): void {
  const hreq: Doc = {};
  const hres: Doc = {};
  if (rec.reqCookie !== undefined) hreq.captured_cookie = rec.reqCookie;
  if (rec.resCookie !== undefined) hres.captured_cookie = rec.resCookie;
  if (rec.reqHeaders !== undefined) hreq.captured_headers = splitCaptures(rec.reqHeaders);
  if (rec.resHeaders !== undefined) hres.captured_headers = splitCaptures(rec.resHeaders);
  if (rec.requestLine !== undefined) hreq.raw_request_line = rec.requestLine;
  // Elastic: TR → time_wait_ms, Tr → time_wait_without_data_ms (pre-1.7: Tq in the first slot)
  const first = rec.legacyHttpTimers ? rec.Tq : rec.TR;
  if (first !== undefined) hreq.time_wait_ms = first;
  if (rec.Tr !== undefined) hreq.time_wait_without_data_ms = rec.Tr;
  const http: Doc = { request: hreq, response: hres };
  if (rec.TR !== undefined || rec.Tq !== undefined) {
    http.timers_semantics = rec.legacyHttpTimers ? 'Tq/Tw/Tc/Tr/Tt' : 'TR/Tw/Tc/Tr/Ta';
  }
  hap.http = http;

  const ecsReq: Doc = {};
  const ecsRes: Doc = {};
  const ecsHttp: Doc = { request: ecsReq, response: ecsRes };
  doc.http = ecsHttp;
  if (rec.status !== undefined) ecsRes.status_code = rec.status;
  if (rec.bytesRead !== undefined) ecsRes.bytes = rec.bytesRead;
  applyRequestLine(doc, rec, ecsReq);
  applyTls(doc, rec);
}

export function applyTls(doc: Doc, rec: TrafficRec): void {
  if (rec.sslVersion === undefined && rec.sslCipher === undefined && rec.sni === undefined && rec.resumed === undefined)
    return;
  const tls: Doc = {};
  const v = rec.sslVersion;
  if (v !== undefined && v !== '-' && v !== '') {
    const m = /^([A-Za-z]+?)v?(\d[\d.]*)$/.exec(v);
    if (m) {
      tls.version_protocol = m[1]!.toLowerCase();
      tls.version = m[2];
    } else tls.version_protocol = v.toLowerCase();
  }
  if (rec.sslCipher !== undefined && rec.sslCipher !== '-' && rec.sslCipher !== '') tls.cipher = rec.sslCipher;
  if (rec.resumed !== undefined) tls.resumed = rec.resumed;
  const sni = rec.sni;
  if (sni !== undefined && sni !== '-' && sni !== '') {
    tls.client = { server_name: sni };
    // Elastic copies the SNI to destination.domain and url.domain
    const dst = (doc.destination as Doc | undefined) ?? (doc.destination = {});
    dst.domain = sni;
    const url = (doc.url as Doc | undefined) ?? (doc.url = {});
    if (url.domain === undefined) url.domain = sni;
  }
  doc.tls = tls;
}
