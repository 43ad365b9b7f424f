/**
 * A small "internet" of the test's own: test hosts, each a network namespace joined to this
 * machine by a veth pair, running an HTTP server that answers with the host's name. Traffic to
 * them never leaves the machine. Needs root (and `ip` from iproute2); {@link testHostsUnavailable}
 * says why not where they cannot be made.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

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
  private readonly names: string[] = [];
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

  private make(): { ns: string; ip: string; hostSideIp: string } {
    const i = this.names.length + 1;
    const ns = `e2bts-${this.tag}-${i}`;
    const outside = `e2bo${this.tag}${i}`;
    const inside = `e2bi${this.tag}${i}`;
    const hostSideIp = `10.${this.subnet}.${i}.1`;
    const address = `10.${this.subnet}.${i}.2`;
    ip('netns', 'add', ns);
    this.names.push(ns);
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    ip('link', 'set', inside, 'netns', ns);
    ip('addr', 'add', `${hostSideIp}/24`, 'dev', outside);
    ip('link', 'set', outside, 'up');
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside);
    ip('-n', ns, 'link', 'set', inside, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    return { ns, ip: address, hostSideIp };
  }

  private runIn(ns: string, script: string): void {
    this.servers.push(spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: 'ignore' }));
  }

  /** Stops the servers and removes the namespaces (their veth pairs go with them). */
  dispose(): void {
    for (const server of this.servers) server.kill('SIGKILL');
    for (const ns of this.names) spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
  }
}
