import { describe, expect, it } from 'vitest';
import {
  checkBaseUrl,
  checkDomain,
  envdDirectUrl,
  envdUrl,
  isLoopbackDomain,
  requireApiKey,
  resolveConfig,
  sandboxHost,
  sandboxScheme,
} from '../../src/client/config.js';
import { AuthenticationError } from '../../src/client/errors.js';

describe('resolveConfig', () => {
  it('defaults', () => {
    const c = resolveConfig({}, {});
    expect(c).toMatchObject({ domain: 'e2b.app', apiUrl: 'https://api.e2b.app', debug: false, requestTimeoutMs: 60_000, retries: 2 });
    expect(c.apiKey).toBeUndefined();
    expect(c.sandboxUrl).toBeUndefined();
  });

  it('environment over defaults, options over environment', () => {
    const env = {
      E2B_API_KEY: 'e2b_aa',
      E2B_ACCESS_TOKEN: 'sk_e2b_x',
      E2B_DOMAIN: 'example.dev',
      E2B_SANDBOX_URL: 'http://127.0.0.1:9/',
    };
    const fromEnv = resolveConfig({}, env);
    expect(fromEnv).toMatchObject({
      apiKey: 'e2b_aa',
      accessToken: 'sk_e2b_x',
      domain: 'example.dev',
      apiUrl: 'https://api.example.dev',
      sandboxUrl: 'http://127.0.0.1:9',
    });
    const fromOpts = resolveConfig({ apiKey: 'e2b_bb', domain: 'other.io', apiUrl: 'http://x:1/' }, env);
    expect(fromOpts).toMatchObject({ apiKey: 'e2b_bb', domain: 'other.io', apiUrl: 'http://x:1' });
  });

  it('E2B_API_URL wins over the domain-derived URL; E2B_DEBUG=true means localhost', () => {
    expect(resolveConfig({}, { E2B_API_URL: 'http://127.0.0.1:5', E2B_DOMAIN: 'd.io' }).apiUrl).toBe('http://127.0.0.1:5');
    const debug = resolveConfig({}, { E2B_DEBUG: 'TRUE' });
    expect(debug.debug).toBe(true);
    expect(debug.apiUrl).toBe('http://localhost:3000');
    expect(envdUrl(debug, 'i1')).toBe('http://localhost:49983');
  });

  it('request timeout 0 disables; blank values count as unset', () => {
    expect(resolveConfig({ requestTimeoutMs: 0 }, {}).requestTimeoutMs).toBe(0);
    expect(resolveConfig({}, { E2B_API_KEY: '  ', E2B_DOMAIN: '' }).domain).toBe('e2b.app');
    expect(resolveConfig({}, { E2B_API_KEY: '  ' }).apiKey).toBeUndefined();
  });
});

describe('URL checks', () => {
  it('refuses URLs that are not absolute http(s) URLs, naming the setting', () => {
    expect(() => resolveConfig({ apiUrl: 'not a url' }, {})).toThrow(/invalid apiUrl "not a url"/);
    expect(() => resolveConfig({}, { E2B_API_URL: 'ftp://x' })).toThrow(/only http:\/\/ and https:\/\//);
    expect(() => resolveConfig({}, { E2B_SANDBOX_URL: 'localhost:3000' })).toThrow(/invalid E2B_SANDBOX_URL/);
  });

  it('issue 15: a base path is kept (as the official SDK keeps it); a query, a fragment or credentials are refused', () => {
    expect(resolveConfig({ apiUrl: 'https://gw.example/e2b/' }, {}).apiUrl).toBe('https://gw.example/e2b');
    expect(resolveConfig({}, { E2B_API_URL: 'http://127.0.0.1:9/a/b' }).apiUrl).toBe('http://127.0.0.1:9/a/b');
    expect(() => resolveConfig({}, { E2B_API_URL: 'https://gw.example/?tenant=1' })).toThrow(
      /invalid E2B_API_URL "https:\/\/gw\.example\/\?tenant=1": a base URL cannot have a query or fragment/,
    );
    expect(() => resolveConfig({ apiUrl: 'https://gw.example/e2b#x' }, {})).toThrow(/invalid apiUrl .*query or fragment/);
    expect(() => checkBaseUrl('https://gw.example/?', '--api-url')).toThrow(/invalid --api-url .*query or fragment/);
    const withSecret = () => checkBaseUrl('https://me:s3cret@gw.example', '--api-url');
    expect(withSecret).toThrow(/carries credentials/);
    expect(withSecret).not.toThrow(/s3cret/);
    expect(() => resolveConfig({}, { E2B_SANDBOX_URL: 'http://127.0.0.1:9/?x' })).toThrow(/E2B_SANDBOX_URL/);
  });

  it('issue 15: a domain is a host name with an optional port, never a URL', () => {
    for (const ok of ['e2b.app', 'localhost:49982', 'my-cluster.example.com', '127.0.0.1:3000', '[::1]:8080']) expect(checkDomain(ok, 'domain')).toBe(ok);
    expect(() => checkDomain('https://e2b.app', '--domain')).toThrow(/invalid --domain "https:\/\/e2b\.app": a domain has no scheme/);
    expect(() => checkDomain('e2b.app/path', '--domain')).toThrow(/a domain has no path/);
    expect(() => checkDomain('e2b app', '--domain')).toThrow(/expected a host name/);
    expect(() => resolveConfig({}, { E2B_DOMAIN: 'http://e2b.app' })).toThrow(/invalid E2B_DOMAIN/);
  });
});

describe('requireApiKey', () => {
  it('rejects a missing or malformed key with AuthenticationError', () => {
    expect(() => requireApiKey(resolveConfig({}, {}))).toThrow(AuthenticationError);
    expect(() => requireApiKey(resolveConfig({ apiKey: 'E2B_ABC' }, {}))).toThrow(/invalid API key format/);
    expect(() => requireApiKey(resolveConfig({ apiKey: 'e2b_ABC' }, {}))).toThrow(AuthenticationError);
    expect(requireApiKey(resolveConfig({ apiKey: 'e2b_0af' }, {}))).toBe('e2b_0af');
  });

  it('skips the format check when E2B_VALIDATE_API_KEY=false', () => {
    expect(requireApiKey(resolveConfig({ apiKey: 'custom-key' }, { E2B_VALIDATE_API_KEY: 'False' }))).toBe('custom-key');
  });
});

describe('envd addressing', () => {
  const cloud = resolveConfig({}, {});
  it('shared host for e2b.app, per-sandbox host elsewhere; signed links never use the shared host', () => {
    expect(envdUrl(cloud, 'iabc')).toBe('https://sandbox.e2b.app');
    expect(envdDirectUrl(cloud, 'iabc')).toBe('https://49983-iabc.e2b.app');
    const custom = resolveConfig({ domain: 'my.corp' }, {});
    expect(envdUrl(custom, 'iabc')).toBe('https://49983-iabc.my.corp');
    expect(envdUrl(cloud, 'iabc', 'byoc.example')).toBe('https://49983-iabc.byoc.example');
  });

  it('E2B_SANDBOX_URL is used verbatim for every sandbox', () => {
    const local = resolveConfig({}, { E2B_SANDBOX_URL: 'http://127.0.0.1:4000' });
    expect(envdUrl(local, 'i1')).toBe('http://127.0.0.1:4000');
    expect(envdDirectUrl(local, 'i2')).toBe('http://127.0.0.1:4000');
  });

  it('getHost shape', () => {
    expect(sandboxHost(cloud, 'iabc', 8080)).toBe('8080-iabc.e2b.app');
    expect(sandboxHost(resolveConfig({ debug: true }, {}), 'iabc', 8080)).toBe('localhost:8080');
  });

  it("the local backend's domain (localhost:<port>): getHost as the official SDK's, plain HTTP for envd", () => {
    expect(sandboxHost(cloud, 'iabc', 8000, 'localhost:49982')).toBe('8000-iabc.localhost:49982');
    expect(envdUrl(cloud, 'iabc', 'localhost:49982')).toBe('http://49983-iabc.localhost:49982');
    expect(envdDirectUrl(cloud, 'iabc', 'localhost:49982')).toBe('http://49983-iabc.localhost:49982');
    // E2B_SANDBOX_URL (what `local env` exports) still wins for envd
    const local = resolveConfig({}, { E2B_SANDBOX_URL: 'http://127.0.0.1:49982' });
    expect(envdUrl(local, 'iabc', 'localhost:49982')).toBe('http://127.0.0.1:49982');
  });
});

describe('isLoopbackDomain / sandboxScheme', () => {
  it.each(['localhost', 'localhost:49982', 'LOCALHOST:1', 'x.localhost', 'a.b.localhost:80', '127.0.0.1:5', '[::1]:5', '[::1]'])('%s is this machine', (d) => {
    expect(isLoopbackDomain(d)).toBe(true);
    expect(sandboxScheme(resolveConfig({}, {}), d)).toBe('http');
  });
  it.each(['e2b.app', 'localhost.example', 'notlocalhost', 'localhost.', '127.0.0.2', 'evil.com:80', 'x.localhost.evil.com', '[::2]'])('%s is not', (d) => {
    expect(isLoopbackDomain(d)).toBe(false);
    expect(sandboxScheme(resolveConfig({}, {}), d)).toBe('https');
  });
  it('debug mode is plain HTTP whatever the domain', () => {
    expect(sandboxScheme(resolveConfig({ debug: true }, {}), 'e2b.app')).toBe('http');
  });
});
