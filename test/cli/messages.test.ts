/**
 * Issue 15, "messages a person can act on": what the CLI prints for a hostile or empty server
 * answer, a broken config file, and connection settings it cannot use as given. In process,
 * against a fake control-plane API (no backend: none of these reach a sandbox).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { e2bError, startFakeApi, type FakeApi } from '../helpers/fake-api.js';
import { createTestIO } from '../helpers/io.js';

/** OSC 52 (write the clipboard), OSC 0 (title), clear screen, color, CR over the line, C1 CSI, BEL. */
const HOSTILE = '\x1b]52;c;cHduZWQ=\x07\x1b]0;owned\x07\x1b[2J\x1b[1;31mdisk on fire\rfake line\x9b2J\x07';
/** Raw controls a terminal would act on (tab and newline are harmless). */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

let fake: FakeApi;
/** A config folder of the test's own, so the user's real config.json is never read. */
let configDir: string;

beforeAll(async () => {
  fake = await startFakeApi({
    ok: { status: 200, body: [] },
    hostile: { status: 500, body: e2bError(500, HOSTILE) },
    hostileText: { status: 418, body: `${HOSTILE}\n` },
    bare: { status: 500, body: e2bError(500, 'internal error') },
  });
  configDir = mkdtempSync(join(tmpdir(), 'e2bts-messages-'));
});
afterAll(async () => {
  await fake?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});
beforeEach(() => {
  rmSync(join(configDir, 'config.json'), { force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  const test = createTestIO();
  const ctx = createContext({ io: test.io, env: { E2B_TS_CONFIG_DIR: configDir, ...env } });
  const code = await main(args, ctx);
  return { code, stdout: test.stdout(), stderr: test.stderr() };
}

const KEY = { E2B_API_KEY: 'e2b_0123456789abcdef' };

function writeConfig(text: string): string {
  const path = join(configDir, 'config.json');
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

describe('server text never drives the terminal (issue 15)', () => {
  it('a hostile JSON error message is shown with its controls escaped, on one line', async () => {
    const res = await run(['sandbox', 'ls', '--api-url', fake.urlOf('hostile')], KEY);
    expect(res.code).toBe(1);
    expect(res.stderr).not.toMatch(RAW_CONTROL);
    expect(res.stderr).toBe('error: 500: \\x1b]52;c;cHduZWQ=\\x07\\x1b]0;owned\\x07\\x1b[2J\\x1b[1;31mdisk on fire\\x0dfake line\\x9b2J\\x07\n');
  });

  it('a hostile plain-text body too, and the --debug stack trace as well', async () => {
    const res = await run(['--debug', 'sandbox', 'ls', '--api-url', fake.urlOf('hostileText')], KEY);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('error: 418: \\x1b]52;c;');
    expect(res.stderr).toMatch(/\n\S*Error: 418: \\x1b\]52;c;/); // the stack's first line repeats the message
    expect(res.stderr).not.toMatch(RAW_CONTROL);
  });

  it('warnings escape what they quote', () => {
    const test = createTestIO();
    createContext({ io: test.io, env: {} }).warn(`connection to i1:8000 failed: ${HOSTILE}`);
    expect(test.stderr()).not.toMatch(RAW_CONTROL);
    expect(test.stderr()).toMatch(/^warning: connection to i1:8000 failed: \\x1b\]52;c;/);
  });
});

describe('a server that says only its status (issue 15)', () => {
  it('"internal error" with 500 becomes what happened and what to do, not "500: internal error"', async () => {
    const res = await run(['sandbox', 'ls', '--api-url', fake.urlOf('bare')], KEY);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'error: the API failed with an internal error and gave no reason (HTTP 500 Internal Server Error); try again, and report it if it keeps happening\n',
    );
  });
});

describe('config.json (issue 15)', () => {
  it.each([
    ['broken JSON', '{"profiles": {"work": {"apiKey": "e2b_00",}}}', /is not valid JSON \(line 1, column 43\); fix it or remove it$/],
    ['an empty file', '', /is not valid JSON \(the file is empty\); fix it or remove it$/],
    ['an array', '[]', /: the top level must be a JSON object \(\{"profiles": \{\.\.\.\}\}\), not an array; fix the file or remove it$/],
    ['null', 'null', /: the top level must be a JSON object .*, not null/],
    ['a profile that is a string', '{"defaultProfile": "work", "profiles": {"work": "e2b_00"}}', /: profile "work" must be an object, not a string/],
    ['a non-string defaultProfile', '{"defaultProfile": 1}', /: "defaultProfile" must be a string, not a number/],
  ])('%s is a usage error naming the file', async (_name, text, message) => {
    const path = writeConfig(text);
    const res = await run(['sandbox', 'ls']);
    expect(res.code).toBe(2);
    expect(res.stderr.startsWith(`error: ${path}`)).toBe(true);
    expect(res.stderr.trimEnd()).toMatch(message);
    expect(res.stderr).not.toMatch(/unexpected/);
  });

  it('a non-string apiKey is a usage error naming the field, the profile and the file, never the value', async () => {
    const path = writeConfig(JSON.stringify({ defaultProfile: 'work', profiles: { work: { apiKey: 123456789 } } }));
    const res = await run(['sandbox', 'ls']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`error: ${path}: "apiKey" of profile "work" must be a string, not a number; fix it or remove the field\n`);
    const token = writeConfig(JSON.stringify({ profiles: { ci: { accessToken: ['sk_e2b_secret'] } } }));
    const named = await run(['--profile', 'ci', 'sandbox', 'ls']);
    expect(named.code).toBe(2);
    expect(named.stderr).toBe(`error: ${token}: "accessToken" of profile "ci" must be a string, not an array; fix it or remove the field\n`);
  });

  it('a byte order mark (Windows editors) is accepted', async () => {
    writeConfig(`\uFEFF${JSON.stringify({ defaultProfile: 'w', profiles: { w: { apiKey: KEY.E2B_API_KEY, apiUrl: fake.urlOf('ok') } } })}`);
    expect(await run(['sandbox', 'ls'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('--api-url and --domain are used as given or refused (issue 15)', () => {
  it('a base path is kept for every request', async () => {
    const before = fake.requests.length;
    expect((await run(['sandbox', 'ls', '--api-url', `${fake.urlOf('ok')}/`], KEY)).code).toBe(0);
    expect(fake.requests.slice(before).map((r) => r.url)).toEqual(['/ok/v2/sandboxes?limit=100']);
  });

  it.each([
    ['--api-url with a query', ['--api-url', 'QUERY'], {}, /^error: invalid --api-url ".*\/ok\?tenant=1": a base URL cannot have a query or fragment/],
    ['--api-url with a fragment', ['--api-url', 'FRAGMENT'], {}, /^error: invalid --api-url ".*\/ok#top": a base URL cannot have a query or fragment/],
    ['E2B_API_URL with a query', [], { E2B_API_URL: 'QUERY' }, /^error: invalid E2B_API_URL ".*": a base URL cannot have a query/],
    ['--domain with a scheme', ['--domain', 'https://e2b.app'], {}, /^error: invalid --domain "https:\/\/e2b\.app": a domain has no scheme/],
    ['--domain with a path', ['--domain', 'e2b.app/v1'], {}, /^error: invalid --domain "e2b\.app\/v1": a domain has no path/],
    ['E2B_DOMAIN with a scheme', [], { E2B_DOMAIN: 'http://localhost:3000' }, /^error: invalid E2B_DOMAIN "http:\/\/localhost:3000": a domain has no scheme/],
  ])('%s is a usage error, and nothing is sent', async (_name, flags, env, message) => {
    const fill = (v: string) => v.replace('QUERY', `${fake.urlOf('ok')}?tenant=1`).replace('FRAGMENT', `${fake.urlOf('ok')}#top`);
    const before = fake.requests.length;
    const res = await run(['sandbox', 'ls', ...flags.map(fill)], { ...KEY, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fill(v)])) });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(fake.requests.length).toBe(before);
  });

  it("a profile's apiUrl with a query names the profile and the file", async () => {
    const path = writeConfig(JSON.stringify({ profiles: { work: { apiKey: KEY.E2B_API_KEY, apiUrl: `${fake.urlOf('ok')}?x=1` } } }));
    const res = await run(['--profile', 'work', 'sandbox', 'ls']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      new RegExp(`^error: invalid "apiUrl" of profile "work" in ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ".*\\?x=1": a base URL cannot have a query`),
    );
  });
});
