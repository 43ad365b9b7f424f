/**
 * The daemon's edge policy (src/local/daemon/edge.ts), rule by rule: canonical request targets,
 * the Host / Origin / Sec-Fetch-Site checks that keep browsers out, and sandbox routing.
 */
import { describe, expect, it } from 'vitest';
import { canonicalTarget, checkRequest, isEnvdPath, isOwnHost, isOwnOrigin, sandboxFromHost, userPortTarget } from '../../src/local/daemon/edge.js';
import { portForwardTarget } from '../../src/local/daemon/ports.js';
import { isInternalPath } from '../../src/local/daemon/proxy.js';

const P = 49982;
const ID = 'iabc123def456ghi789jk';

describe('canonicalTarget', () => {
  const accepted: Array<[string, string, string]> = [
    ['/', '/', ''],
    ['/health', '/health', ''],
    ['/files?path=%2Fhome%2Fuser%2Fa.txt&username=user', '/files', 'path=%2Fhome%2Fuser%2Fa.txt&username=user'],
    ['/process.Process/Start', '/process.Process/Start', ''],
    ['/filesystem.Filesystem/ListDir', '/filesystem.Filesystem/ListDir', ''],
    ["/files?path=/home/user/it's.txt", '/files', "path=/home/user/it's.txt"],
    ['/files?path=%5C', '/files', 'path=%5C'],
    ['/templates/local%2Fname%3Atag', '/templates/local%2Fname%3Atag', ''],
    ['/templates/local%2fname%3atag', '/templates/local%2fname%3atag', ''],
    ['/sandboxes/i123/logs?start=0&limit=10', '/sandboxes/i123/logs', 'start=0&limit=10'],
    ['/v2/sandboxes?metadata=a%3Db%26c%3Dd&state=running', '/v2/sandboxes', 'metadata=a%3Db%26c%3Dd&state=running'],
    ['/a.b/c..d/.e/f.', '/a.b/c..d/.e/f.', ''],
    ['/files?', '/files', ''],
    ['/templates/%C3%A9t%C3%A9', '/templates/%C3%A9t%C3%A9', ''],
  ];
  it.each(accepted)('accepts %s', (target, path, query) => {
    expect(canonicalTarget(target)).toEqual({ path, query });
  });

  const refused: Array<[string, RegExp]> = [
    ['/x/../init', /dot segment/],
    ['/./init', /dot segment/],
    ['/..', /dot segment/],
    ['/x/..', /dot segment/],
    ['/x/%2e%2e/init', /%2e/],
    ['/x/%2E%2E/init', /%2E/],
    ['/x/.%2e/init', /%2e/],
    ['/x/%2e./init', /%2e/],
    ['/%2e/init', /%2e/],
    ['/x/%252e%252e/init', /%25/],
    ['/x\\..\\init', /backslash/],
    ['/x\\init', /backslash/],
    ['/x/%5c../init', /%5c/],
    ['/x/%5C/init', /%5C/],
    ['//init', /empty path segment/],
    ['/x//init', /empty path segment/],
    ['/init/', /empty path segment/],
    ['/templates/local%2F..%2Fx', /encoded path parameter/],
    ['/templates/%2Fetc', /encoded path parameter/],
    ['/templates/a%2F%2Fb', /encoded path parameter/],
    ['/templates/a%2F', /encoded path parameter/],
    ['/init%00', /%00/],
    ['/init%0a', /%0a/],
    ['/init%7F', /%7F/],
    ['/a%2', /malformed/],
    ['/a%zz', /malformed/],
    ['/a%C3', /UTF-8/],
    ['/a%FF', /UTF-8/],
    ['/a"b', /not allowed in a path/],
    ['/a<b', /not allowed in a path/],
    ['/a{b', /not allowed in a path/],
    ['/a^b', /not allowed in a path/],
    ['/a|b', /not allowed in a path/],
    ['/a`b', /not allowed in a path/],
    ['/a\u0001b', /not allowed in a path/],
    ['/é', /not allowed in a path/],
    ['/health#x', /fragment/],
    ['/files?path=a\\b', /backslash/],
    ['/files?path=a\u0000', /query/],
    ['/files?path=a b', /query/],
    ['/files?path=é', /query/],
    ['http://127.0.0.1:49982/init', /origin-form/],
    ['HTTP://evil/x', /origin-form/],
    ['*', /origin-form/],
    ['127.0.0.1:49982', /origin-form/],
    ['', /origin-form/],
    ['init', /origin-form/],
  ];
  it.each(refused)('refuses %j', (target, message) => {
    const result = canonicalTarget(target);
    expect(result).toMatchObject({ status: 400 });
    expect((result as { message: string }).message).toMatch(message);
  });
});

describe('isEnvdPath', () => {
  it.each(['/', '/files', '/health', '/envs', '/metrics', '/process.Process/Start', '/filesystem.Filesystem/WatchDir'])('accepts %s', (path) => {
    expect(isEnvdPath(path)).toBe(true);
  });
  it.each(['/files%2Fx', '/a:b', '/a@b', "/a'b", '/a~b', '/a;b', '/files//x', '/a/'])('refuses %s', (path) => {
    expect(isEnvdPath(path)).toBe(false);
  });
});

describe('isOwnHost', () => {
  it.each([
    `127.0.0.1:${P}`,
    `localhost:${P}`,
    `LOCALHOST:${P}`,
    `[::1]:${P}`,
    `49983-${ID}.localhost:${P}`,
    `49983-${ID.toUpperCase()}.LocalHost:${P}`,
    `a.b.localhost:${P}`,
  ])('accepts %s', (host) => expect(isOwnHost(host, P)).toBe(true));
  it.each([
    undefined,
    '',
    '127.0.0.1',
    'localhost',
    `127.0.0.1:${P + 1}`,
    `127.0.0.1:0${P}`,
    `127.0.0.1:${P}0`,
    '127.0.0.1:99999',
    `127.0.0.1:+${P}`,
    `127.0.0.1:`,
    `127.1:${P}`,
    `0x7f.1:${P}`,
    `0x7f000001:${P}`,
    `2130706433:${P}`,
    `0177.0.0.1:${P}`,
    `127.0.0.2:${P}`,
    `0.0.0.0:${P}`,
    `127.0.0.1.nip.io:${P}`,
    `localhost.:${P}`,
    `localhost.attacker.example:${P}`,
    `attacker.example:${P}`,
    `[::ffff:127.0.0.1]:${P}`,
    `[0:0:0:0:0:0:0:1]:${P}`,
    `::1:${P}`,
    `[::1]`,
    `user@127.0.0.1:${P}`,
    `127.0.0.1:${P} `,
    `-x.localhost:${P}`,
    `.localhost:${P}`,
    `a..localhost:${P}`,
    `a_b.localhost:${P}`,
  ])('refuses %j', (host) => expect(isOwnHost(host, P)).toBe(false));

  it('a Host without a port means port 80', () => {
    expect(isOwnHost('127.0.0.1', 80)).toBe(true);
    expect(isOwnHost('127.0.0.1:80', 80)).toBe(true);
    expect(isOwnHost('127.0.0.1', P)).toBe(false);
  });
});

describe('isOwnOrigin', () => {
  it.each([`http://127.0.0.1:${P}`, `http://localhost:${P}`, `http://[::1]:${P}`])('accepts %s', (origin) => {
    expect(isOwnOrigin(origin, P)).toBe(true);
  });
  it.each([
    'null',
    '',
    'https://attacker.example',
    `http://attacker.example:${P}`,
    `https://127.0.0.1:${P}`,
    `http://127.0.0.1:${P + 1}`,
    'http://127.0.0.1',
    `http://127.0.0.1:${P}/`,
    `http://LOCALHOST:${P}`,
    `http://49983-${ID}.localhost:${P}`,
    `http://x.localhost:${P}`,
    `http://127.1:${P}`,
    `file://`,
  ])('refuses %j', (origin) => expect(isOwnOrigin(origin, P)).toBe(false));
  it('port 80 is the origin without a port', () => {
    expect(isOwnOrigin('http://127.0.0.1', 80)).toBe(true);
    expect(isOwnOrigin('http://127.0.0.1:80', 80)).toBe(false);
  });
});

describe('sandboxFromHost', () => {
  it('reads <port>-<id>.localhost, case-insensitively, with or without a client suffix', () => {
    expect(sandboxFromHost(`49983-${ID}.localhost:${P}`)).toEqual({ port: 49983, id: ID });
    expect(sandboxFromHost(`3000-${ID.toUpperCase()}.localhost:${P}`)).toEqual({ port: 3000, id: ID });
    expect(sandboxFromHost(`49983-${ID}-client1.localhost:${P}`)).toEqual({ port: 49983, id: `${ID}-client1` });
  });
  it.each([
    `127.0.0.1:${P}`,
    `localhost:${P}`,
    `x.49983-${ID}.localhost:${P}`,
    `49983-${ID}.x.localhost:${P}`,
    `99999-${ID}.localhost:${P}`,
    `049983-${ID}.localhost:${P}`,
    `49983-.localhost:${P}`,
  ])('no sandbox in %s', (host) => expect(sandboxFromHost(host)).toBeUndefined());
});

describe('isInternalPath', () => {
  it.each(['/init', '/INIT', '/Init', '/init/x', '/freeze', '/unfreeze', '/collapse', '/fsfreeze', '/fsthaw', '/upgrade', '/files/compose', '/FILES/Compose'])(
    '%s is internal',
    (path) => expect(isInternalPath(path)).toBe(true),
  );
  it.each(['/files', '/health', '/envs', '/metrics', '/initx', '/process.Process/Start'])('%s is not', (path) => expect(isInternalPath(path)).toBe(false));
});

describe('checkRequest', () => {
  const raw = (headers: Record<string, string | string[]>) =>
    Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((v) => [name, v]) : [name, value]));
  const check = (url: string, headers: Record<string, string | string[]>) => checkRequest({ url, rawHeaders: raw(headers) }, P);
  const host = { Host: `127.0.0.1:${P}` };

  it('control-plane traffic, including an encoded snapshot name', () => {
    expect(check('/sandboxes', host)).toEqual({ kind: 'control', target: '/sandboxes' });
    expect(check('/templates/local%2Fname%3Atag', host)).toEqual({ kind: 'control', target: '/templates/local%2Fname%3Atag' });
    expect(check('/health', { host: `localhost:${P}`, Origin: `http://localhost:${P}`, 'Sec-Fetch-Site': 'same-origin' })).toMatchObject({ kind: 'control' });
  });

  it('envd traffic by header, by host, and unnamed /files links', () => {
    expect(check('/process.Process/Start', { ...host, 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': '49983' })).toEqual({
      kind: 'envd',
      target: '/process.Process/Start',
      path: '/process.Process/Start',
      sandboxId: ID,
      port: 49983,
    });
    expect(check('/health', { Host: `49983-${ID}.localhost:${P}` })).toMatchObject({ kind: 'envd', sandboxId: ID, port: 49983 });
    expect(check('/health', { ...host, 'E2b-Sandbox-Id': `${ID}-client7` })).toMatchObject({ kind: 'envd', sandboxId: ID });
    expect(check('/files?path=a&signature=v1_x', host)).toEqual({ kind: 'envd', target: '/files?path=a&signature=v1_x', path: '/files', port: 49983 });
  });

  it('user ports by host and by header (with a loopback Host), a client suffix dropped', () => {
    expect(check('/health', { Host: `3000-${ID}.localhost:${P}` })).toEqual({ kind: 'port', target: '/health', sandboxId: ID, port: 3000 });
    expect(check('/', { ...host, 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': '8000' })).toEqual({ kind: 'port', target: '/', sandboxId: ID, port: 8000 });
    expect(check('/', { Host: `8000-${ID}-client7.localhost:${P}` })).toMatchObject({ kind: 'port', sandboxId: ID, port: 8000 });
    expect(check('/', { Host: `8000-${ID}.localhost:${P}`, 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': '8000' })).toMatchObject({ kind: 'port', port: 8000 });
  });

  it("a user port's path is the application's: what envd's rules refuse passes as sent", () => {
    const appHost = { Host: `8000-${ID}.localhost:${P}` };
    for (const target of ['/a/', '//a', '/a//b', '/x/%2e%2e/y', '/x/../y', '/%2F', '/a%25b', '/s?q={"a":[1]}|^`', '/x\\y', '/caf%C3%A9', '/?a=%00', '/a%C3']) {
      expect(check(target, appHost), target).toEqual({ kind: 'port', target, sandboxId: ID, port: 8000 });
    }
  });

  it('a user port refuses what HTTP forbids in a target', () => {
    const appHost = { Host: `8000-${ID}.localhost:${P}` };
    for (const [target, message] of [
      ['*', /origin-form/],
      ['http://evil.example/x', /origin-form/],
      ['/a#frag', /visible ASCII/],
      ['/a b', /visible ASCII/],
      ['/a\u0000', /visible ASCII/],
      ['/caf\u00e9', /visible ASCII/],
      ['/a%zz', /percent-encoding/],
      ['/a%2', /percent-encoding/],
      ['', /origin-form/],
    ] as const) {
      const result = check(target, appHost);
      expect(result, target).toMatchObject({ status: 400 });
      expect((result as { message: string }).message).toMatch(message);
    }
  });

  it('a user port takes any Origin and Sec-Fetch-Site (a public web app), envd and the control plane do not', () => {
    const browser = { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' };
    expect(check('/', { Host: `8000-${ID}.localhost:${P}`, ...browser })).toMatchObject({ kind: 'port', port: 8000 });
    expect(check('/', { Host: `8000-${ID}.localhost:${P}`, Origin: 'null' })).toMatchObject({ kind: 'port' });
    // a page served by a sandbox port, against envd and the control plane
    const fromPort = { Origin: `http://8000-${ID}.localhost:${P}`, 'Sec-Fetch-Site': 'cross-site' };
    expect(check('/envs', { Host: `49983-${ID}.localhost:${P}`, ...fromPort })).toMatchObject({ status: 403 });
    expect(check('/envs', { ...host, 'E2b-Sandbox-Id': ID, Origin: `http://8000-${ID}.localhost:${P}` })).toMatchObject({ status: 403 });
    expect(check('/sandboxes', { ...host, ...fromPort })).toMatchObject({ status: 403 });
    expect(check('/sandboxes', { Host: `localhost:${P}`, Origin: 'http://evil.example' })).toMatchObject({ status: 403 });
  });

  it('a user port still wants a Host of this backend', () => {
    expect(check('/', { Host: `8000-${ID}.localhost:${P + 1}` })).toMatchObject({ status: 403 });
    expect(check('/', { Host: 'attacker.example', 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': '8000' })).toMatchObject({ status: 403 });
    expect(check('/', { Host: `8000-${ID}.localhost.attacker.example:${P}` })).toMatchObject({ status: 403 });
  });

  it("the daemon's own port is never forwarded (in a shared network namespace it would loop)", () => {
    expect(check('/', { Host: `${P}-${ID}.localhost:${P}` })).toMatchObject({ status: 400, message: expect.stringMatching(/own port/) });
    expect(check('/', { ...host, 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': String(P) })).toMatchObject({ status: 400 });
  });

  it('inconsistent or malformed routing never makes a user port: the envd rules refuse it', () => {
    expect(check('/', { Host: `8000-${ID}.localhost:${P}`, 'E2b-Sandbox-Id': 'iother' })).toMatchObject({
      status: 400,
      message: expect.stringMatching(/different sandboxes/),
    });
    expect(check('/', { Host: `8000-${ID}.localhost:${P}`, 'E2b-Sandbox-Port': '9000' })).toMatchObject({
      status: 400,
      message: expect.stringMatching(/different ports/),
    });
    expect(check('/', { Host: [`8000-${ID}.localhost:${P}`, `8000-${ID}.localhost:${P}`] })).toMatchObject({
      status: 400,
      message: expect.stringMatching(/repeated/),
    });
    expect(check('/files?signature=v1_x', { ...host, 'E2b-Sandbox-Port': '8000' })).toMatchObject({
      status: 400,
      message: expect.stringMatching(/Missing header/),
    });
  });

  const refusals: Array<[string, string, Record<string, string | string[]>, number, RegExp]> = [
    ['dot segments before anything else (foreign Host too)', '/x/../init', { Host: 'attacker.example' }, 400, /dot segment/],
    ['a repeated Host', '/health', { Host: [`127.0.0.1:${P}`, 'attacker.example'] }, 400, /repeated header: Host/],
    ['a repeated E2b-Sandbox-Id', '/health', { ...host, 'E2b-Sandbox-Id': [ID, ID] }, 400, /repeated header/],
    ['E2b-Sandbox-Id in two spellings', '/health', { ...host, 'E2b-Sandbox-Id': ID, 'e2b-sandbox-id': 'iother' }, 400, /repeated header/],
    ['a repeated Origin', '/health', { ...host, Origin: [`http://127.0.0.1:${P}`, `http://127.0.0.1:${P}`] }, 400, /repeated header/],
    ['a missing Host', '/health', {}, 403, /Host \(missing\)/],
    ['a foreign Host', '/health', { Host: `attacker.example:${P}` }, 403, /not this local backend/],
    ['a foreign Host with a sandbox ID', '/envs', { Host: `attacker.example:${P}`, 'E2b-Sandbox-Id': ID }, 403, /not this local backend/],
    ['another port', '/health', { Host: `127.0.0.1:${P + 1}` }, 403, /not this local backend/],
    ['a foreign Origin', '/health', { ...host, Origin: 'https://attacker.example' }, 403, /cross-origin/],
    ['Origin: null', '/files', { ...host, Origin: 'null' }, 403, /cross-origin/],
    ['a sandbox host as Origin', '/health', { ...host, Origin: `http://49983-${ID}.localhost:${P}` }, 403, /cross-origin/],
    ['Sec-Fetch-Site: cross-site', '/health', { ...host, 'Sec-Fetch-Site': 'cross-site' }, 403, /cross-site/],
    ['Sec-Fetch-Site: same-site', '/health', { ...host, 'Sec-Fetch-Site': 'same-site' }, 403, /cross-site/],
    ['an empty E2b-Sandbox-Id', '/health', { ...host, 'E2b-Sandbox-Id': '' }, 400, /E2b-Sandbox-Id/],
    ['a joined E2b-Sandbox-Id', '/health', { ...host, 'E2b-Sandbox-Id': `${ID}, iother` }, 400, /E2b-Sandbox-Id/],
    ['an upper-case E2b-Sandbox-Id', '/health', { ...host, 'E2b-Sandbox-Id': ID.toUpperCase() }, 400, /E2b-Sandbox-Id/],
    ['a path in E2b-Sandbox-Id', '/health', { ...host, 'E2b-Sandbox-Id': '../x' }, 400, /E2b-Sandbox-Id/],
    ['header and host naming different sandboxes', '/health', { Host: `49983-${ID}.localhost:${P}`, 'E2b-Sandbox-Id': 'iother' }, 400, /different sandboxes/],
    ['a non-numeric E2b-Sandbox-Port', '/health', { ...host, 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': '49983abc' }, 400, /E2b-Sandbox-Port/],
    ['a zero-padded E2b-Sandbox-Port', '/health', { ...host, 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': '049983' }, 400, /E2b-Sandbox-Port/],
    ['an out-of-range E2b-Sandbox-Port', '/health', { ...host, 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': '70000' }, 400, /E2b-Sandbox-Port/],
    ['an empty E2b-Sandbox-Port', '/health', { ...host, 'E2b-Sandbox-Id': ID, 'E2b-Sandbox-Port': '' }, 400, /E2b-Sandbox-Port/],
    ['header and host naming different ports', '/health', { Host: `49983-${ID}.localhost:${P}`, 'E2b-Sandbox-Port': '3000' }, 400, /different ports/],
    ['E2b-Sandbox-Port without a sandbox', '/health', { ...host, 'E2b-Sandbox-Port': '49983' }, 400, /Missing header: E2b-Sandbox-Id/],
    ['percent-encoding in an envd path', '/file%73', { ...host, 'E2b-Sandbox-Id': ID }, 400, /plain ASCII/],
    ['an encoded slash in an envd path', '/process.Process%2FStart', { ...host, 'E2b-Sandbox-Id': ID }, 400, /plain ASCII/],
  ];
  it.each(refusals)('refuses %s', (_label, url, headers, status, message) => {
    const result = check(url, headers);
    expect(result).toMatchObject({ status });
    expect((result as { message: string }).message).toMatch(message);
  });
});

describe('userPortTarget', () => {
  it.each(['/', '/a', '/a/', '//a', '/a?b=c', '/%41', "/~user/!$&'()*+,;=:@"])('accepts %s', (target) => expect(userPortTarget(target)).toBeUndefined());
  it.each(['', 'a', '*', '/#', '/\u007f', '/\t', '/%', '/%4', '/%4g'])('refuses %j', (target) => expect(userPortTarget(target)).toMatchObject({ status: 400 }));
});

describe('portForwardTarget', () => {
  it('reads /sandboxes/<id>/ports/<port>', () => {
    expect(portForwardTarget(`/sandboxes/${ID}/ports/5432`)).toEqual({ sandboxId: ID, port: 5432 });
    expect(portForwardTarget(`/sandboxes/${ID}/ports/65535`)).toEqual({ sandboxId: ID, port: 65535 });
  });
  it.each([
    `/sandboxes/${ID}/ports/65536`,
    `/sandboxes/${ID}/ports/0`,
    `/sandboxes/${ID}/ports/08`,
    `/sandboxes/${ID}/ports/80?x=1`,
    `/sandboxes/${ID}/ports/80/`,
    `/sandboxes/A/ports/80`,
    `/sandboxes/${ID}/ports`,
  ])('not %s', (target) => expect(portForwardTarget(target)).toBeUndefined());
});
