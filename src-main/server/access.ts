/**
 * Who may talk to `earmark serve`. A local web server is reachable by every
 * web page the user opens (through the browser) and by every local user, so
 * each request must carry the per-launch token, name the host the server
 * serves (DNS rebinding), and come from the server's own origin when it
 * writes (cross-site request forgery).
 */
import crypto from 'node:crypto';
import os from 'node:os';

export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Constant-time comparison (through digests, so lengths do not leak either). */
export function tokenMatches(expected: string, given: string): boolean {
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** How a host appears in a Host header or URL (IPv6 in brackets). */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The Host header values this server answers to: the bound address with its
 * port; for loopback also `localhost`; for a wildcard bind, the machine's
 * own addresses (a name pointing elsewhere is still refused).
 */
export function allowedHostHeaders(boundHost: string, port: number): Set<string> {
  const names = new Set<string>();
  const add = (h: string) => names.add(`${hostForUrl(h).toLowerCase()}:${port}`);
  if (isLoopbackHost(boundHost)) {
    for (const h of ['127.0.0.1', 'localhost', '[::1]']) add(h);
    add(boundHost);
  } else if (boundHost === '0.0.0.0' || boundHost === '::') {
    for (const h of ['127.0.0.1', 'localhost', '[::1]', os.hostname()]) add(h);
    for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) add(i.address.split('%')[0]!);
  } else {
    add(boundHost);
  }
  return names;
}

export interface RequestFacts {
  readonly method: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
  readonly authorization: string | undefined;
  readonly tokenHeader: string | undefined;
  readonly cookie: string | undefined;
  readonly queryToken: string | null;
}

export type AccessDecision = { readonly ok: true; readonly viaQuery: boolean; readonly viaCookie: boolean } | { readonly ok: false; readonly status: 401 | 403 | 421; readonly message: string };

export interface AccessPolicy {
  readonly token: string;
  readonly hosts: ReadonlySet<string>;
  readonly cookieName: string;
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Decides on one request: 421 for a Host this server does not serve, 403 for
 * a foreign Origin (any request that carries one) or a cross-site write, 401
 * without a token, 403 with a wrong one.
 */
export function checkAccess(policy: AccessPolicy, req: RequestFacts): AccessDecision {
  const host = req.host?.toLowerCase();
  if (host === undefined || !policy.hosts.has(host)) return { ok: false, status: 421, message: `this server does not answer for host ${req.host ?? '(none)'}` };
  if (req.origin !== undefined && req.origin !== 'null') {
    let originHost: string | null = null;
    try {
      const u = new URL(req.origin);
      originHost = u.protocol === 'http:' ? u.host.toLowerCase() : null;
    } catch {
      originHost = null;
    }
    if (originHost === null || !policy.hosts.has(originHost)) return { ok: false, status: 403, message: `requests from ${req.origin} are not allowed` };
  } else if (req.origin === 'null') {
    return { ok: false, status: 403, message: 'requests from an opaque origin are not allowed' };
  }
  const write = req.method !== 'GET' && req.method !== 'HEAD';
  if (write && req.secFetchSite !== undefined && req.secFetchSite !== 'same-origin' && req.secFetchSite !== 'none') {
    return { ok: false, status: 403, message: 'cross-site writes are not allowed' };
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.authorization ?? '')?.[1];
  const cookie = cookieValue(req.cookie, policy.cookieName);
  const candidates: { value: string; via: 'header' | 'query' | 'cookie' }[] = [];
  for (const v of [bearer, req.tokenHeader]) if (v) candidates.push({ value: v, via: 'header' });
  // A query token only for reads: links, EventSource and <audio> cannot send headers.
  if (req.queryToken && !write) candidates.push({ value: req.queryToken, via: 'query' });
  if (cookie) candidates.push({ value: cookie, via: 'cookie' });
  if (candidates.length === 0) return { ok: false, status: 401, message: 'this server needs the access token from the address `earmark serve` printed' };
  const match = candidates.find((c) => tokenMatches(policy.token, c.value));
  if (!match) return { ok: false, status: 403, message: 'wrong access token: open the address `earmark serve` printed at launch' };
  return { ok: true, viaQuery: match.via === 'query', viaCookie: match.via === 'cookie' };
}
