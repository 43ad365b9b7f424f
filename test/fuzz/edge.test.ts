/**
 * The daemon's edge (src/local/daemon/edge.ts) under generated hostile requests: targets and
 * headers from test/fuzz/arbitraries.ts, judged by oracles that do not reuse the edge's own
 * rules (WHATWG URL, percent-decoding, envd's own target check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalTarget, checkRequest, type EdgeRoute } from '../../src/local/daemon/edge.js';
import { ENVD_PORT } from '../../src/protocol/envd.js';
import { canonicalTarget as envdAccepts } from '../../src/local/envd/server.js';
import { DOT_SEGMENTS, EDGE_HEADERS, hostileQuery, requestHeaders, requestTarget, routeWord, type EdgeContext } from './arbitraries.js';
import { CI_SEED, fuzz } from './config.js';

const IDS = ['iabc123def456ghi789jk', 'i0a1b2c3d4e5f6g7h8i9'];
/** 80 too: a Host without a port names it, and URL serializations drop it. */
const PORTS = [49982, 80, 65535];

interface Generated {
  port: number;
  target: string;
  headers: Array<[string, string]>;
}

// One header generator per port, built once: building them is far slower than drawing from them.
const headersByPort = PORTS.map((port) => {
  const ctx: EdgeContext = { port, ids: IDS };
  return { port, headers: requestHeaders(ctx) };
});
const request = (targets: fc.Arbitrary<string> = requestTarget()): fc.Arbitrary<Generated> =>
  fc.oneof(...headersByPort.map(({ port, headers }) => fc.record({ port: fc.constant(port), target: targets, headers })));

const check = ({ port, target, headers }: Generated) => checkRequest({ url: target, rawHeaders: headers.flat() }, port);
const valuesOf = (headers: Array<[string, string]>, name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
const pathOf = (target: string) => target.split('?', 1)[0];

/** The parts of a path once percent-decoded `times` times, or undefined when it does not decode. */
function decodedParts(path: string, times: number): string[] | undefined {
  let decoded = path;
  try {
    for (let i = 0; i < times; i++) decoded = decodeURIComponent(decoded);
  } catch {
    return undefined;
  }
  return decoded.split(/[/\\]/).slice(1);
}

/** An accepted target is the one spelling of its path, read the same by any WHATWG parser. */
function expectCanonical(target: string): void {
  expect(target).toMatch(/^\/(?!\/)[\x21-\x7e]*$/);
  expect(target).not.toMatch(/[\\#]/);
  const path = pathOf(target);
  const url = new URL(target, 'http://edge.invalid');
  expect(url.host).toBe('edge.invalid');
  expect(url.pathname).toBe(path);
  expect(url.hash).toBe('');
  // Decoded once it holds no `%` (no double encoding: decoding again changes nothing), no
  // backslash and no control character.
  expect(decodeURIComponent(path)).not.toMatch(/[%\\\x00-\x1f\x7f]/);
  if (path === '/') return;
  for (const times of [0, 1]) {
    for (const part of decodedParts(path, times)!) expect(['', '.', '..']).not.toContain(part);
  }
}

/** An accepted request has one `Host`, a loopback name with the daemon's port, spelled canonically. */
function expectOwnHost(headers: Array<[string, string]>, port: number): string {
  const hosts = valuesOf(headers, 'host');
  expect(hosts).toHaveLength(1);
  const host = hosts[0];
  const url = new URL(`http://${host}/`);
  expect(url.username + url.password).toBe('');
  expect(url.pathname).toBe('/');
  expect(url.port).toBe(port === 80 ? '' : String(port));
  const name = url.hostname;
  expect(['127.0.0.1', 'localhost', '[::1]'].includes(name) || /^(?:[a-z0-9-]+\.)+localhost$/.test(name), name).toBe(true);
  // URL reads `127.1` and `0x7f.1` as 127.0.0.1 too: only the spelling it would write passes.
  expect(port === 80 ? [name, `${name}:80`] : [`${name}:${port}`]).toContain(host.toLowerCase());
  return name;
}

/** A browser's headers on an accepted request say it came from the daemon's own page (or from no page). */
function expectSameOrigin(headers: Array<[string, string]>, port: number): void {
  const origins = valuesOf(headers, 'origin');
  expect(origins.length).toBeLessThanOrEqual(1);
  if (origins.length === 1) {
    const url = new URL(origins[0]);
    expect(url.origin).toBe(origins[0]);
    expect(url.protocol).toBe('http:');
    expect(['127.0.0.1', 'localhost', '[::1]']).toContain(url.hostname);
    expect(url.port).toBe(port === 80 ? '' : String(port));
  }
  const sites = valuesOf(headers, 'sec-fetch-site');
  expect(sites.length).toBeLessThanOrEqual(1);
  if (sites.length === 1) expect(['same-origin', 'none']).toContain(sites[0]);
}

/** Whether the headers name a port other than envd's, by header or by host. */
function namesUserPort(headers: Array<[string, string]>): boolean {
  const ports = valuesOf(headers, 'e2b-sandbox-port');
  const hostPort = /^([0-9]+)-/.exec(valuesOf(headers, 'host')[0] ?? '')?.[1];
  return ports.some((p) => p !== String(ENVD_PORT)) || (hostPort !== undefined && hostPort !== String(ENVD_PORT));
}

/** A user port's target is origin-form HTTP: visible ASCII, no fragment, whole percent-escapes. */
function expectUserPortTarget(target: string): void {
  expect(target.startsWith('/')).toBe(true);
  for (const c of target) {
    const code = c.charCodeAt(0);
    expect(code > 0x20 && code < 0x7f && c !== '#', JSON.stringify(c)).toBe(true);
  }
  for (let i = target.indexOf('%'); i >= 0; i = target.indexOf('%', i + 1)) expect(target.slice(i + 1, i + 3)).toMatch(/^[0-9a-fA-F]{2}$/);
}

/** A user port is one the request named (header and host agreeing), never envd's or the daemon's own. */
function expectUserPortNamed(route: Extract<EdgeRoute, { kind: 'port' }>, headers: Array<[string, string]>, hostname: string, daemonPort: number): void {
  const ids = valuesOf(headers, 'e2b-sandbox-id');
  const ports = valuesOf(headers, 'e2b-sandbox-port');
  const fromHost = /^([1-9][0-9]*)-([a-z0-9]+)(?:-[a-z0-9]+)?\.localhost$/.exec(hostname);
  expect(route.port).not.toBe(ENVD_PORT);
  expect(route.port).not.toBe(daemonPort);
  expect(route.sandboxId).toMatch(/^[a-z0-9]+$/);
  if (ids.length === 1) expect(route.sandboxId).toBe(ids[0].split('-')[0]);
  if (fromHost) {
    expect(route.sandboxId).toBe(fromHost[2]);
    expect(route.port).toBe(Number(fromHost[1]));
  }
  if (ports.length === 1) expect(route.port).toBe(Number(ports[0]));
  expect(ids.length === 1 || fromHost !== null).toBe(true);
  expect(ports.length === 1 || fromHost !== null).toBe(true);
}

/** Where an accepted request goes is what it named, and nothing unnamed reaches a sandbox. */
function expectRoutedAsNamed(route: Exclude<EdgeRoute, { kind: 'port' }>, headers: Array<[string, string]>, hostname: string, target: string): void {
  const ids = valuesOf(headers, 'e2b-sandbox-id');
  const ports = valuesOf(headers, 'e2b-sandbox-port');
  if (route.kind === 'control') {
    expect(ids).toEqual([]);
    expect(ports).toEqual([]);
    expect(pathOf(target)).not.toBe('/files');
    return;
  }
  expect(route.path).toBe(pathOf(target));
  // E2B's per-sandbox host: `<port>-<id>[-<client>].localhost`, the port in decimal as URLs write it
  const fromHost = /^([1-9][0-9]*)-([a-z0-9]+)(?:-[a-z0-9]+)?\.localhost$/.exec(hostname);
  const hostPort = fromHost && Number(fromHost[1]) <= 65535 ? Number(fromHost[1]) : undefined;
  if (ids.length === 1) {
    expect(ids[0]).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)?$/);
    expect(route.sandboxId).toBe(ids[0].split('-')[0]);
  }
  if (hostPort !== undefined && route.sandboxId !== undefined) expect(route.sandboxId).toBe(fromHost![2]);
  if (ids.length === 0 && hostPort === undefined) {
    // unnamed: only a signed /files link, routed later by its signature
    expect(route.sandboxId).toBeUndefined();
    expect(route.path).toBe('/files');
  }
  if (route.sandboxId !== undefined) expect(route.sandboxId).toMatch(/^[a-z0-9]+$/);
  if (ports.length === 1) {
    expect(ports[0]).toMatch(/^[1-9][0-9]*$/);
    expect(route.port).toBe(Number(ports[0]));
    if (hostPort !== undefined) expect(route.port).toBe(hostPort);
  } else expect(route.port).toBe(hostPort ?? ENVD_PORT);
  // What the edge forwards to envd, envd serves as the same path: the two never disagree.
  if (route.port === ENVD_PORT) expect(envdAccepts(target)).toBe(true);
}

describe('the edge under generated requests', () => {
  it('never throws; refuses with a 400 or 403 and a message; what it accepts is canonical, local, same-origin and routed as named', async () => {
    await fuzz(
      fc.property(request(), (req) => {
        const result = check(req);
        if ('status' in result) {
          expect([400, 403]).toContain(result.status);
          expect(result.message).toMatch(/\S/);
          return;
        }
        expect(result.target).toBe(req.target);
        const hostname = expectOwnHost(req.headers, req.port);
        for (const name of EDGE_HEADERS) expect(valuesOf(req.headers, name).length, name).toBeLessThanOrEqual(1);
        if (result.kind === 'port') {
          // A user port: the application's own target and any Origin (a public web app).
          expectUserPortTarget(req.target);
          expectUserPortNamed(result, req.headers, hostname, req.port);
          return;
        }
        expectCanonical(req.target);
        expectSameOrigin(req.headers, req.port);
        expectRoutedAsNamed(result, req.headers, hostname, req.target);
      }),
      { runs: 3000 },
    );
  });

  it('a path with a dot segment or a backslash, once percent-decoded, is refused with 400 (but where a user port takes it as sent)', async () => {
    await fuzz(
      fc.property(request(), (req) => {
        const path = pathOf(req.target);
        const parts = [1, 2].flatMap((times) => decodedParts(path, times) ?? []);
        const hostile = parts.some((p) => p === '.' || p === '..') || /\\|%5c/i.test(path);
        if (!hostile) return;
        expect(canonicalTarget(req.target)).toMatchObject({ status: 400 });
        const result = check(req);
        if ('status' in result && result.status === 400) return;
        // Only a request that names a user port gets past: its path is the application's.
        expect(namesUserPort(req.headers)).toBe(true);
        if (!('status' in result)) expect(result.kind).toBe('port');
      }),
      { runs: 3000 },
    );
  });

  it('dot segments in every spelling, also inside an encoded path parameter, are refused with 400 (but where a user port takes them as sent)', async () => {
    const encodedParam = fc
      .tuple(
        routeWord(),
        fc.constantFrom('%2F', '%2f'),
        fc.constantFrom(...DOT_SEGMENTS),
        fc.option(
          fc.tuple(fc.constantFrom('%2F', '%2f'), routeWord()).map((p) => p.join('')),
          { nil: '' },
        ),
      )
      .map((parts) => parts.join(''));
    const dotted = fc
      .tuple(
        fc.array(routeWord(), { maxLength: 3 }),
        fc.oneof(fc.constantFrom(...DOT_SEGMENTS), encodedParam),
        fc.array(routeWord(), { maxLength: 3 }),
        fc.option(hostileQuery(), { nil: undefined }),
      )
      .map(([before, dot, after, query]) => `/${[...before, dot, ...after].join('/')}${query === undefined ? '' : `?${query}`}`);
    await fuzz(
      fc.property(request(dotted), (req) => {
        const result = check(req);
        if (namesUserPort(req.headers) && !('status' in result && result.status === 400)) {
          if (!('status' in result)) expect(result).toMatchObject({ kind: 'port', target: req.target });
          return;
        }
        expect(result).toMatchObject({ status: 400 });
      }),
      { runs: 1000 },
    );
  });

  it('the generators reach past the first check: a fixed sample holds refusals, control-plane and envd routes', () => {
    // Fixed seed and size whatever FUZZ_* say: this measures the generator, not the edge.
    const outcomes = fc.sample(request(), { seed: CI_SEED, numRuns: 2000 }).map((req) => {
      const result = check(req);
      return 'status' in result ? `refused ${result.status}` : result.kind === 'envd' && result.sandboxId !== undefined ? 'envd named' : result.kind;
    });
    const count = (what: string) => outcomes.filter((o) => o === what).length;
    for (const what of ['refused 400', 'refused 403', 'control', 'envd named', 'port']) expect(count(what), what).toBeGreaterThanOrEqual(20);
  });
});
