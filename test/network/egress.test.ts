/**
 * A sandbox's network (src/local/runtime/network.ts), with real TCP connections: every sandbox
 * has its own network namespace; the internet is played by test hosts in network namespaces this
 * file makes (test/helpers/test-hosts.ts), reached through slirp4netns; the host's loopback and
 * its own addresses are out of reach whatever the rules say; allowOut, denyOut,
 * allowInternetAccess: false and updateNetwork are enforced as E2B defines them, and root in the
 * sandbox cannot change them.
 *
 * Driven through the official SDK, as E2B code would. Needs root (for the test hosts) and a
 * backend that enforces egress rules; otherwise it skips and prints why.
 */
import { chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Sandbox } from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAddresses } from '../../src/local/runtime/network.js';
import { selectRuntime } from '../../src/local/runtime/index.js';
import { attackerAccount, type Account } from '../helpers/accounts.js';
import { Sandbox as OurSandbox } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { cliBin } from '../helpers/paths.js';
import { TestHosts, testHostsUnavailable, type TestHost } from '../helpers/test-hosts.js';

const runtime = selectRuntime(process.env);
const why = testHostsUnavailable() ?? (runtime.enforcesEgress ? undefined : `the runtime does not enforce egress rules here (${runtime.description})`);
if (why) console.warn(`skipping the network tests: ${why}`);

let backend: LocalBackend;
const hosts = new TestHosts();
let a: TestHost;
let b: TestHost;
/** A web site (80 and 443) that names in allowOut lead to; hosts.txt pins the names. */
let site: TestHost & { tlsUrl: string };
let hostsDir: string;
/** Services of this machine a sandbox must never reach: one on loopback, one on every address. */
let loopbackOnly: Server;
let everywhere: Server;

function serve(text: string, host: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((_q, s) => s.end(text));
    server.listen(0, host, () => resolve(server));
  });
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;

/** What a GET from inside the sandbox gets: the body, or `failed` (curl's exit code alone tells little). */
async function fetchFrom(sbx: Sandbox, url: string): Promise<string> {
  const r = await sbx.commands.run(`curl -s --connect-timeout 3 -m 5 ${url} || echo failed`, { user: 'root' });
  return r.stdout.trim();
}

beforeAll(async () => {
  if (why) return;
  a = await hosts.add('host-a');
  b = await hosts.add('host-b');
  site = await hosts.addSite('site-d');
  loopbackOnly = await serve('host loopback service', '127.0.0.1');
  everywhere = await serve('host service', '0.0.0.0');
  // names for the daemon to resolve (no DNS here): E2B_TS_EGRESS_HOSTS pins them
  hostsDir = mkdtempSync(join(tmpdir(), 'e2bts-egress-hosts-'));
  writeFileSync(
    join(hostsDir, 'hosts'),
    [`${site.ip} allowed.test deep.sub.wild.test wild.test other.test`, '127.0.0.1 loopback.test', `${a.hostSideIp} hostside.test`].join('\n'),
  );
  backend = await startLocalBackend({ env: { E2B_TS_EGRESS_HOSTS: join(hostsDir, 'hosts') } });
  process.env.E2B_API_URL = backend.url;
  process.env.E2B_SANDBOX_URL = backend.url;
  process.env.E2B_API_KEY = backend.apiKey;
}, 90_000);

afterAll(async () => {
  await backend?.dispose();
  loopbackOnly?.close();
  everywhere?.close();
  hosts.dispose();
  if (hostsDir) rmSync(hostsDir, { recursive: true, force: true });
});

describe.skipIf(why !== undefined)('egress', () => {
  it("a default sandbox reaches the internet (the test hosts) but neither the host's loopback nor any address of the host", async () => {
    const own = hostAddresses().filter((address) => !address.includes(':'));
    const sbx = await Sandbox.create();
    try {
      expect(await fetchFrom(sbx, a.url)).toBe('host-a');
      expect(await fetchFrom(sbx, b.url)).toBe('host-b');
      // the host's services are up (checked from here), and out of the sandbox's reach
      expect(await fetchFrom(sbx, `http://127.0.0.1:${portOf(loopbackOnly)}/`)).toBe('failed');
      // slirp4netns's gateway would be the host's loopback
      expect(await fetchFrom(sbx, `http://10.0.2.2:${portOf(loopbackOnly)}/`)).toBe('failed');
      expect(await fetchFrom(sbx, `http://10.0.2.2:${portOf(everywhere)}/`)).toBe('failed');
      expect(own).toContain(a.hostSideIp);
      for (const address of own) expect(await fetchFrom(sbx, `http://${address}:${portOf(everywhere)}/`), address).toBe('failed');
    } finally {
      await sbx.kill();
    }
  });

  it("an address the host gains while a sandbox runs is refused too (within the rules' refresh)", async () => {
    const sbx = await Sandbox.create();
    const later = new TestHosts();
    try {
      const c = await later.add('host-c');
      // the host side of the new veth pair is a new address of this machine
      let got = '';
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
        got = await fetchFrom(sbx, `http://${c.hostSideIp}:${portOf(everywhere)}/`);
        if (got === 'failed') break;
      }
      expect(got).toBe('failed');
      expect(await fetchFrom(sbx, c.url)).toBe('host-c');
    } finally {
      later.dispose();
      await sbx.kill();
    }
  });

  it('two sandboxes can both listen on port 8000: each has its own namespace', async () => {
    const one = await Sandbox.create();
    const two = await Sandbox.create();
    try {
      for (const [sbx, text] of [
        [one, 'one'],
        [two, 'two'],
      ] as const) {
        await sbx.commands.run(`node -e "require('http').createServer((q,s)=>s.end('${text}')).listen(8000)"`, { background: true });
      }
      for (const [sbx, text] of [
        [one, 'one'],
        [two, 'two'],
      ] as const) {
        let got = '';
        for (let t = 0; t < 100 && got !== text; t++) got = await fetchFrom(sbx, 'http://127.0.0.1:8000/');
        expect(got).toBe(text);
      }
    } finally {
      await one.kill();
      await two.kill();
    }
  });

  it('allowInternetAccess: false: nothing leaves the sandbox', async () => {
    const sbx = await Sandbox.create({ allowInternetAccess: false });
    try {
      expect(await fetchFrom(sbx, a.url)).toBe('failed');
      expect(await fetchFrom(sbx, b.url)).toBe('failed');
      expect((await sbx.getInfo()).allowInternetAccess).toBe(false);
    } finally {
      await sbx.kill();
    }
  });

  it('denyOut refuses what it names; allowOut wins over denyOut, as E2B defines', async () => {
    const denied = await Sandbox.create({ network: { denyOut: [`${a.ip}/32`] } });
    const only = await Sandbox.create({ network: { denyOut: ['0.0.0.0/0'], allowOut: [b.ip] } });
    try {
      expect(await fetchFrom(denied, a.url)).toBe('failed');
      expect(await fetchFrom(denied, b.url)).toBe('host-b');
      expect(await fetchFrom(only, a.url)).toBe('failed');
      expect(await fetchFrom(only, b.url)).toBe('host-b');
      expect((await only.getInfo()).network).toMatchObject({ denyOut: ['0.0.0.0/0'], allowOut: [b.ip] });
    } finally {
      await denied.kill();
      await only.kill();
    }
  });

  it('updateNetwork changes the rules of a running sandbox at once, internet access included', async () => {
    const sbx = await Sandbox.create({ allowInternetAccess: false });
    try {
      expect(await fetchFrom(sbx, a.url)).toBe('failed');
      // from no way out at all to the internet: the uplink is attached live
      await sbx.updateNetwork({ allowInternetAccess: true });
      expect(await fetchFrom(sbx, a.url)).toBe('host-a');
      await sbx.updateNetwork({ denyOut: [a.ip] });
      expect(await fetchFrom(sbx, a.url)).toBe('failed');
      expect(await fetchFrom(sbx, b.url)).toBe('host-b');
      expect((await sbx.getInfo()).network?.denyOut).toEqual([a.ip]);
      // PUT replaces: leaving denyOut out clears it
      await sbx.updateNetwork({});
      expect(await fetchFrom(sbx, a.url)).toBe('host-a');
      await sbx.updateNetwork({ allowInternetAccess: false });
      expect(await fetchFrom(sbx, b.url)).toBe('failed');
    } finally {
      await sbx.kill();
    }
  });

  it('the rules survive pause and resume, and a pause without memory', async () => {
    const sbx = await Sandbox.create({ network: { denyOut: [a.ip] } });
    try {
      await sbx.pause();
      await sbx.connect();
      expect(await fetchFrom(sbx, a.url)).toBe('failed');
      expect(await fetchFrom(sbx, b.url)).toBe('host-b');
      await sbx.pause({ keepMemory: false });
      await sbx.connect();
      expect(await fetchFrom(sbx, a.url)).toBe('failed');
      expect(await fetchFrom(sbx, b.url)).toBe('host-b');
    } finally {
      await sbx.kill();
    }
  });

  it('domain names in allowOut, as E2B matches them: the Host on port 80, the TLS server name on 443, wildcards below a name; the daemon connects to what the name resolves to', async () => {
    const sbx = await Sandbox.create({ network: { denyOut: ['0.0.0.0/0'], allowOut: ['allowed.test', '*.wild.test', 'loopback.test', 'hostside.test'] } });
    // `--resolve` makes curl dial the given address with the name in Host and SNI
    const get = (name: string, port: 80 | 443, dial: string) =>
      fetchFrom(sbx, `-k --resolve ${name}:${port}:${dial} ${port === 443 ? 'https' : 'http'}://${name}/`);
    try {
      expect(await get('allowed.test', 80, site.ip)).toBe('site-d');
      expect(await get('allowed.test', 443, site.ip)).toBe('site-d-tls');
      // dialled at another address, it still reaches what the NAME resolves to (never where the sandbox aimed)
      expect(await get('allowed.test', 80, b.ip)).toBe('site-d');
      expect(await get('deep.sub.wild.test', 443, site.ip)).toBe('site-d-tls');
      // a wildcard is for names below it, not the name itself; other names are refused
      expect(await get('wild.test', 80, site.ip)).toBe('failed');
      expect(await get('other.test', 443, site.ip)).toBe('failed');
      // the address alone is still denied, and other ports are matched by address only
      expect(await fetchFrom(sbx, site.url)).toBe('failed');
      expect(await fetchFrom(sbx, a.url)).toBe('failed');
      // an allowed name that resolves to the host or its loopback is refused like the host
      expect(await get('loopback.test', 80, site.ip)).toBe('failed');
      expect(await get('hostside.test', 80, site.ip)).toBe('failed');
      // updateNetwork without the names: refused again
      await sbx.updateNetwork({ denyOut: ['0.0.0.0/0'] });
      expect(await get('allowed.test', 80, site.ip)).toBe('failed');
    } finally {
      await sbx.kill();
    }
  });

  it('the CLI: create --deny-out/--allow-out, `sandbox network` replaces them, info --json reports them; our library updates them as the SDK does', async () => {
    const cli = (...args: string[]) => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home } });
    const created = await cli('sandbox', 'create', '--deny-out', '0.0.0.0/0', '--allow-out', b.ip);
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.trim();
    const curl = async (url: string) => (await cli('exec', id, '--', 'sh', '-c', `curl -s --connect-timeout 3 -m 5 ${url} || echo failed`)).stdout.trim();
    try {
      expect(await curl(a.url)).toBe('failed');
      expect(await curl(b.url)).toBe('host-b');
      const info = await cli('sandbox', 'info', id, '--json');
      expect(JSON.parse(info.stdout).network).toMatchObject({ denyOut: ['0.0.0.0/0'], allowOut: [b.ip] });
      const cleared = await cli('sandbox', 'network', id);
      expect(cleared.code, cleared.stderr).toBe(0);
      expect(await curl(a.url)).toBe('host-a');
      const bad = await cli('sandbox', 'network', id, '--deny-out', `${a.ip},${b.ip}`);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      // our library's updateNetwork sends what the official SDK's does
      const ours = await OurSandbox.connect(id, { apiKey: backend.apiKey, apiUrl: backend.url, sandboxUrl: backend.url });
      await ours.updateNetwork({ allowInternetAccess: false, allowOut: [a.ip] });
      expect(await curl(a.url)).toBe('host-a');
      expect(await curl(b.url)).toBe('failed');
      expect((await ours.getInfo()).allowInternetAccess).toBe(false);
    } finally {
      await cli('sandbox', 'kill', id);
    }
  });

  it('hostile root in the sandbox cannot lift the rules: no nft, no routes, no new way out', async () => {
    const sbx = await Sandbox.create({ network: { denyOut: [a.ip] } });
    try {
      const attempts = [
        'nft flush ruleset',
        'nft delete table inet e2b_ts',
        'ip route replace default via 10.0.2.2 dev tap0',
        'ip link set tap0 down',
        // a namespace of its own has no way out at all
        'unshare -Urn sh -c "ip link set lo up; curl -s --connect-timeout 2 ' + a.url + '"',
      ];
      for (const attempt of attempts) {
        const r = await sbx.commands.run(`${attempt} 2>&1; echo "exit $?"`, { user: 'root' });
        expect(r.stdout.trim().split('\n').pop(), attempt).not.toBe('exit 0');
      }
      expect(await fetchFrom(sbx, a.url)).toBe('failed');
      expect(await fetchFrom(sbx, b.url)).toBe('host-b');
    } finally {
      await sbx.kill();
    }
  });
});

/**
 * A backend run by an ordinary account: its sandboxes' namespaces belong to a user namespace of
 * its own, and slirp4netns needs /dev/net/tun, which most distributions open to everyone (0666)
 * and some do not.
 */
function ordinaryAccount(): { account: Account } | { skip: string } {
  if (why) return { skip: why };
  const account = attackerAccount();
  if ('skip' in account) return account;
  let mode = 0;
  try {
    mode = statSync('/dev/net/tun').mode;
  } catch {
    return { skip: '/dev/net/tun does not exist' };
  }
  if ((mode & 0o006) !== 0o006) return { skip: `/dev/net/tun is mode ${(mode & 0o777).toString(8)} here: an ordinary account cannot give sandboxes a way out` };
  return { account };
}
const ordinary = ordinaryAccount();
if ('skip' in ordinary) console.warn(`skipping the ordinary-account network test: ${ordinary.skip}`);

describe.skipIf('skip' in ordinary)('egress from a backend run by an ordinary account', () => {
  it('reaches the test hosts, not the host, and denyOut holds', async () => {
    const { account } = ordinary as { account: Account };
    const base = mkdtempSync(join(tmpdir(), 'e2bts-net-ordinary-'));
    chownSync(base, account.uid, account.gid);
    const env = { E2B_TS_HOME: join(base, 'state'), HOME: base };
    const script = [
      `curl -s --connect-timeout 3 -m 5 ${a.url} || echo failed`,
      `curl -s --connect-timeout 3 -m 5 http://127.0.0.1:${portOf(loopbackOnly)}/ || echo failed`,
      `curl -s --connect-timeout 3 -m 5 http://${a.hostSideIp}:${portOf(everywhere)}/ || echo failed`,
    ].join('; echo; ');
    try {
      const r = await account.run(process.execPath, [cliBin, '--local', 'run', '--', 'sh', '-c', script], { env, timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(
        r.stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      ).toEqual(['host-a', 'failed', 'failed']);
    } finally {
      await account.run(process.execPath, [cliBin, 'local', 'stop'], { env });
      rmSync(base, { recursive: true, force: true });
    }
  });
});
