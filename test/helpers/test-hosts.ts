/**
 * A small "internet" of the test's own: test hosts, each a network namespace joined to this
 * machine by a veth pair, running an HTTP server that answers with the host's name. Traffic to
 * them never leaves the machine. Needs root (and `ip` from iproute2); {@link testHostsUnavailable}
 * says why not where they cannot be made.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestHost {
  name: string;
  /** The test host's address (its side of the veth pair). */
  ip: string;
  /** This machine's address on the veth pair: one of the host's own addresses. */
  hostSideIp: string;
  port: number;
  url: string;
}

/** Why test hosts cannot be made here, or undefined when they can. */
export function testHostsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'making network namespaces and veth pairs needs root';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return '`ip` (iproute2) is not installed';
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** GET url from this machine; the body, or undefined when nothing answers. */
export function fetchText(url: string, timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** A second octet in 100..199 no interface of this machine uses yet (test files run in parallel). */
function freeSubnet(): number {
  const used = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((a) => a?.address ?? '')
      .filter((a) => a.startsWith('10.'))
      .map((a) => Number(a.split('.')[1])),
  );
  for (let t = 0; t < 50; t++) {
    const s = 100 + (randomBytes(1)[0]! % 100);
    if (!used.has(s)) return s;
  }
  throw new Error('no free 10.x subnet for test hosts');
}

/** Whether a process has a network namespace other than this one's. */
function inOwnNetns(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`) !== readlinkSync('/proc/self/ns/net');
  } catch {
    return false;
  }
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Test hosts in subnets 10.<subnet>.<i>.0/24 (subnet chosen at random in 100..199 so parallel
 * test files do not collide): host side .1, test host .2.
 */
export class TestHosts {
  private readonly holders: ChildProcess[] = [];
  private readonly dirs: string[] = [];
  private readonly servers: ChildProcess[] = [];
  private readonly subnet = freeSubnet();
  private readonly tag = randomBytes(3).toString('hex');

  /** A test host serving `label` over HTTP at port `port`. */
  async add(label: string, port = 8080): Promise<TestHost> {
    const made = this.make();
    const script = `require('http').createServer((q, s) => s.end(${JSON.stringify(label)})).listen(${port}, ${JSON.stringify(made.ip)})`;
    this.runIn(made.ns, script);
    const url = `http://${made.ip}:${port}/`;
    for (let t = 0; t < 200; t++) {
      if ((await fetchText(url, 500)) === label) return { name: label, ip: made.ip, hostSideIp: made.hostSideIp, port, url };
      await sleep(25);
    }
    throw new Error(`test host ${label} did not start serving at ${url}`);
  }

  /**
   * A test host with a web site on ports 80 (HTTP, answering `label`) and 443 (HTTPS with a
   * self-signed certificate made by openssl, answering `label-tls`), for name-based rules.
   */
  async addSite(label: string): Promise<TestHost & { tlsUrl: string }> {
    const made = this.make();
    const dir = mkdtempSync(join(tmpdir(), 'e2bts-site-'));
    this.dirs.push(dir);
    const made509 = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${label}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { encoding: 'utf8' },
    );
    if (made509.status !== 0) throw new Error(`openssl could not make a certificate: ${made509.stderr.trim()}`);
    const script = [
      "const fs = require('fs');",
      `require('http').createServer((q, s) => s.end(${JSON.stringify(label)})).listen(80, ${JSON.stringify(made.ip)});`,
      `require('https').createServer({ key: fs.readFileSync(${JSON.stringify(join(dir, 'key.pem'))}), cert: fs.readFileSync(${JSON.stringify(join(dir, 'cert.pem'))}) }, (q, s) => s.end(${JSON.stringify(`${label}-tls`)})).listen(443, ${JSON.stringify(made.ip)});`,
    ].join('');
    this.runIn(made.ns, script);
    const url = `http://${made.ip}/`;
    for (let t = 0; t < 200; t++) {
      if ((await fetchText(url, 500)) === label && (await connects(made.ip, 443)))
        return { name: label, ip: made.ip, hostSideIp: made.hostSideIp, port: 80, url, tlsUrl: `https://${made.ip}/` };
      await sleep(25);
    }
    throw new Error(`test site ${label} did not start serving at ${url}`);
  }

  /**
   * A test host that relays TCP connections on `port` to a server of this machine listening on
   * the host side of its veth pair (`listenOn`, which the caller binds first): how a server of
   * the test (a git server) becomes reachable from sandboxes, which never reach the host itself.
   * Returns the address to connect to.
   */
  relayHost(): { ip: string; listenOn: string; start: (port: number) => Promise<void> } {
    const made = this.make();
    return {
      ip: made.ip,
      listenOn: made.hostSideIp,
      start: async (port: number) => {
        const script = [
          "const net = require('net');",
          `net.createServer((c) => { const u = net.connect(${port}, ${JSON.stringify(made.hostSideIp)}); c.pipe(u).pipe(c); c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); })`,
          `.listen(${port}, ${JSON.stringify(made.ip)});`,
        ].join('');
        this.runIn(made.ns, script);
        for (let t = 0; t < 200; t++) {
          if (await connects(made.ip, port)) return;
          await sleep(25);
        }
        throw new Error(`the relay at ${made.ip}:${port} did not start`);
      },
    };
  }

  /**
   * A network namespace held by a `sleep` of its own (no `ip netns add`: named namespaces share
   * /run/netns, whose first set-up races between test files running at once and can lose a
   * namespace), joined to this machine by a veth pair.
   */
  private make(): { ns: string; ip: string; hostSideIp: string } {
    const i = this.holders.length + 1;
    const outside = `e2bo${this.tag}${i}`;
    const inside = `e2bi${this.tag}${i}`;
    const hostSideIp = `10.${this.subnet}.${i}.1`;
    const address = `10.${this.subnet}.${i}.2`;
    // bounded: a test process that dies without dispose() leaves nothing for long
    const holder = spawn('unshare', ['--net', 'sleep', '1800'], { stdio: 'ignore' });
    this.holders.push(holder);
    const pid = String(holder.pid);
    // the holder is in its namespace once unshare has exec'ed sleep
    for (let t = 0; t < 500 && !inOwnNetns(holder.pid!); t++) spawnSync('sleep', ['0.01']);
    if (!inOwnNetns(holder.pid!)) throw new Error('could not make a network namespace for a test host');
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    ip('link', 'set', inside, 'netns', pid);
    ip('addr', 'add', `${hostSideIp}/24`, 'dev', outside);
    ip('link', 'set', outside, 'up');
    const within = (...args: string[]) => {
      const r = spawnSync('nsenter', ['--target', pid, '--net', 'ip', ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ip ${args.join(' ')} (test host): ${r.stderr.trim()}`);
    };
    within('addr', 'add', `${address}/24`, 'dev', inside);
    within('link', 'set', inside, 'up');
    within('link', 'set', 'lo', 'up');
    return { ns: pid, ip: address, hostSideIp };
  }

  /** Runs a node script in a test host; it ends with the test process (its stdin closes then). */
  private runIn(pid: string, script: string): void {
    const guarded = `process.stdin.on('end', () => process.exit(0)).resume(); ${script}`;
    this.servers.push(spawn('nsenter', ['--target', pid, '--net', process.execPath, '-e', guarded], { stdio: ['pipe', 'ignore', 'ignore'] }));
  }

  /** Stops the servers and the namespaces' holders (the namespaces and their veth pairs go with them). */
  dispose(): void {
    for (const child of [...this.servers, ...this.holders]) child.kill('SIGKILL');
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}
