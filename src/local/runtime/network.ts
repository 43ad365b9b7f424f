/**
 * A sandbox's network: its own network namespace always (bubblewrap's `--unshare-net`), with
 * the internet reached through slirp4netns, a user-mode TCP/IP stack, and egress rules written
 * with nftables into that namespace.
 *
 * Why slirp4netns and not pasta: both were measured on the machine this was built on (Debian's
 * passt of 2023, slirp4netns 1.2.0, Linux 6.x). pasta could not attach to a namespace made by
 * another process, neither as root (it changes to `nobody` before opening the namespace) nor as
 * a normal user ("Failed to open tun socket in namespace"); slirp4netns attached in both. It
 * runs with `--enable-sandbox --enable-seccomp` (its own empty mount namespace, every
 * capability dropped but binding low ports, a syscall filter): it parses packets hostile code
 * writes.
 *
 * What the sandbox cannot reach, whatever its rules say (the host's addresses are read again
 * every second, and the rules rewritten when they change):
 * - the host's loopback: slirp4netns's `--disable-host-loopback` refuses its gateway address
 *   (10.0.2.2, which would be the host's 127.0.0.1), and the sandbox's own 127.0.0.1 is its own;
 * - the host's other addresses (a service listening on 0.0.0.0 would otherwise be reached
 *   through slirp4netns, which connects from the host): rejected by the rules below, listed
 *   when the rules are written (at start and at every update).
 *
 * The rules live in the sandbox's namespace, in a table only the daemon writes: root in the
 * sandbox has no CAP_NET_ADMIN there (bubblewrap.ts drops it; an unprivileged sandbox's
 * namespace belongs to a user namespace where it has no capabilities at all), so it cannot
 * change or remove them. Order, as E2B documents: the host is refused first, then `allowOut`
 * accepts (it takes precedence over `denyOut`), then `denyOut` refuses, then everything else
 * passes. Internet access off is a `denyOut` of everything, as E2B defines it (so `allowOut`
 * still opens what it names).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { RELAY_HTTP_PORT, RELAY_TLS_PORT } from './egress-proxy.js';

/** What a sandbox may reach. Names, not addresses, in allowOut are kept by the caller. */
export interface EgressPolicy {
  /** False: everything is denied but what allowOut names (E2B's `allowInternetAccess: false`). */
  internet: boolean;
  /** IPs and CIDRs, v4 or v6, that are allowed even where `denyOut` covers them. */
  allowOut: string[];
  /** IPs and CIDRs that are refused. `0.0.0.0/0` is E2B's "all traffic". */
  denyOut: string[];
  /** Domain names (and `*.` wildcards) of allowOut, matched on TCP 80/443 (egress-proxy.ts). */
  allowNames?: string[];
}

/** Whether any traffic may leave the sandbox (else its namespace needs no way out at all). */
export function needsUplink(policy: EgressPolicy): boolean {
  return policy.internet || policy.allowOut.length > 0 || (policy.allowNames?.length ?? 0) > 0;
}

/** slirp4netns's DNS forwarder, and the resolver E2B lets through wherever allowOut names domains. */
const DNS_SERVERS = ['10.0.2.3', '8.8.8.8'];

/** The table the daemon owns in each sandbox's namespace. */
export const TABLE = 'e2b_ts';

/** An IP or CIDR as nftables writes it, with its family; undefined when it is neither. */
export function parseCidr(entry: string): { family: 4 | 6; text: string } | undefined {
  const [address, bits, extra] = entry.trim().split('/');
  if (extra !== undefined || !address) return undefined;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return undefined;
  if (bits === undefined) return { family, text: address };
  if (!/^[0-9]{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return undefined;
  // nftables refuses a prefix with host bits set (10.0.0.1/8); E2B's rule means the network
  return { family, text: `${networkOf(address, Number(bits), family)}/${bits}` };
}

/** The network address of `address/bits` (host bits cleared). */
function networkOf(address: string, bits: number, family: 4 | 6): string {
  if (family === 4) {
    const n = address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const net = (n & mask) >>> 0;
    return [24, 16, 8, 0].map((shift) => (net >>> shift) & 255).join('.');
  }
  const groups = expandIpv6(address);
  const out = groups.map((g, i) => {
    const from = i * 16;
    if (bits >= from + 16) return g;
    if (bits <= from) return 0;
    const keep = bits - from;
    return g & ((0xffff << (16 - keep)) & 0xffff);
  });
  return out.map((g) => g.toString(16)).join(':');
}

function expandIpv6(address: string): number[] {
  // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const p = v4[1]!.split('.').map(Number);
    text = text.slice(0, v4.index) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const a = head ? head.split(':') : [];
  const b = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - a.length - b.length).fill('0');
  return [...a, ...fill, ...b].map((g) => parseInt(g, 16));
}

/** The addresses of this machine's interfaces but loopback: what a sandbox must never reach. */
export function hostAddresses(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      // a link-local v6 address is per interface (fe80::…%eth0); nftables matches it bare
      out.add(a.address.split('%')[0]!);
    }
  }
  return [...out].sort();
}

/** How often the host's addresses are compared with those the rules were written with. */
const ADDRESS_POLL_MS = 1000;
const watchers = new Set<() => void>();
let poll: NodeJS.Timeout | undefined;
let lastAddresses = '';

/**
 * Calls `onChange` whenever the host's addresses change (a new interface, a new lease), so
 * every running sandbox's rules refuse the new ones too within a second. Linux gives no
 * change event Node can read without a netlink binding; reading the interfaces is cheap.
 */
export function watchHostAddresses(onChange: () => void): void {
  watchers.add(onChange);
  if (poll) return;
  lastAddresses = hostAddresses().join(',');
  poll = setInterval(() => {
    const now = hostAddresses().join(',');
    if (now === lastAddresses) return;
    lastAddresses = now;
    for (const watcher of watchers) watcher();
  }, ADDRESS_POLL_MS);
  poll.unref();
}

export function unwatchHostAddresses(onChange: () => void): void {
  watchers.delete(onChange);
  if (watchers.size === 0 && poll) {
    clearInterval(poll);
    poll = undefined;
  }
}

/**
 * The nftables script that replaces the sandbox's table in one transaction (creating it first
 * makes the delete valid on the first run too).
 */
export function egressRuleset(policy: EgressPolicy, host: readonly string[]): string {
  const sets: Record<string, string[]> = { host4: [], host6: [], allow4: [], allow6: [], deny4: [], deny6: [] };
  const add = (kind: 'host' | 'allow' | 'deny', entries: readonly string[]) => {
    for (const entry of entries) {
      const cidr = parseCidr(entry);
      if (cidr) sets[`${kind}${cidr.family}`]!.push(cidr.text);
    }
  };
  add('host', host);
  add('allow', policy.allowOut);
  // E2B: no internet access "behaves the same as denyOut 0.0.0.0/0", so allowOut still wins
  add('deny', policy.internet ? policy.denyOut : [...policy.denyOut, '0.0.0.0/0', '::/0']);
  const reject = 'reject with icmpx type admin-prohibited';
  const lines = [`table inet ${TABLE}`, `delete table inet ${TABLE}`, `table inet ${TABLE} {`];
  for (const [name, elements] of Object.entries(sets)) {
    const unique = [...new Set(elements)];
    lines.push(`  set ${name} {`, `    type ipv${name.endsWith('4') ? 4 : 6}_addr; flags interval; auto-merge`);
    if (unique.length) lines.push(`    elements = { ${unique.join(', ')} }`);
    lines.push('  }');
  }
  lines.push(
    '  chain egress {',
    '    type filter hook output priority filter; policy accept;',
    '    oifname "lo" accept',
    // the sandbox's own loopback, also as the filter sees a connection the names chain below
    // redirected to the relay (its route is looked up again only after this hook)
    '    ip daddr 127.0.0.0/8 accept',
    '    ip6 daddr ::1 accept',
    `    ip daddr @host4 ${reject}`,
    `    ip6 daddr @host6 ${reject}`,
  );
  const names = (policy.allowNames?.length ?? 0) > 0;
  lines.push(`    ip daddr @allow4 accept`, `    ip6 daddr @allow6 accept`);
  // names need their resolver, as on E2B
  if (names) lines.push(`    ip daddr { ${DNS_SERVERS.join(', ')} } meta l4proto { tcp, udp } th dport 53 accept`);
  lines.push(`    ip daddr @deny4 ${reject}`, `    ip6 daddr @deny6 ${reject}`, '  }');
  if (names) {
    // TCP 80/443 the address rules would refuse goes to the relay, which lets the daemon decide
    // by name; the relay's loopback connection passes the filter above as loopback traffic
    lines.push(
      '  chain names {',
      '    type nat hook output priority -100; policy accept;',
      '    oifname "lo" return',
      '    ip daddr @host4 return',
      '    ip6 daddr @host6 return',
      '    ip daddr @allow4 return',
      '    ip6 daddr @allow6 return',
      `    ip daddr @deny4 tcp dport 80 redirect to :${RELAY_HTTP_PORT}`,
      `    ip daddr @deny4 tcp dport 443 redirect to :${RELAY_TLS_PORT}`,
      `    ip6 daddr @deny6 tcp dport 80 redirect to :${RELAY_HTTP_PORT}`,
      `    ip6 daddr @deny6 tcp dport 443 redirect to :${RELAY_TLS_PORT}`,
      '  }',
    );
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** Programs a sandbox network needs; undefined members are missing on this machine. */
export interface NetworkTools {
  slirp4netns?: string | undefined;
  nft?: string | undefined;
  nsenter?: string | undefined;
  /** Why this user cannot open /dev/net/tun (slirp4netns's device), or undefined when it can. */
  tunRefused?: string | undefined;
}

/** The programs of NetworkTools, all found (what a sandbox with internet access needs). */
export type FoundNetworkTools = { [K in 'slirp4netns' | 'nft' | 'nsenter']: string };

/** Why this process cannot open /dev/net/tun, or undefined when it can (as root it always can). */
export function tunRefusal(path = '/dev/net/tun'): string | undefined {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${path} does not exist` : `${path} is not usable by this user (${code}; it is usually mode 0666)`;
  }
}

/** How this machine gives sandboxes their network: a line for `local status`, and whether internet works. */
export function describeNetwork(tools: NetworkTools): { internet: boolean; description: string } {
  if (tools.tunRefused) return { internet: false, description: `own network namespace per sandbox; NO internet: ${tools.tunRefused}` };
  const missing = (['nft', 'nsenter', 'slirp4netns'] as const).filter((k) => !tools[k]);
  if (missing.length === 0) return { internet: true, description: 'own network namespace per sandbox; internet through slirp4netns, host unreachable' };
  const packages = missing.map((m) => (m === 'nft' ? 'nftables' : m === 'nsenter' ? 'util-linux' : m));
  return { internet: false, description: `own network namespace per sandbox; NO internet: ${missing.join(', ')} missing (install ${packages.join(', ')})` };
}

/** Whether an address is one a sandbox must never reach through a name either: the host's, or loopback. */
export function hostOnly(address: string, host: readonly string[] = hostAddresses()): boolean {
  const bare = address.toLowerCase().replace(/^::ffff:/, '');
  return host.includes(bare) || bare.startsWith('127.') || bare === '::1' || bare === '0.0.0.0' || bare === '::';
}

/** The argument list that runs a program in the network (and, unprivileged, user) namespace of `pid`. */
export function nsenterArgs(pid: number, privileged: boolean): string[] {
  return ['--target', String(pid), '--net', ...(privileged ? [] : ['--user', '--preserve-credentials'])];
}

/**
 * Writes the egress rules into the namespace of `pid`; rejects with nft's message when refused.
 * Asynchronous: the daemon's other sandboxes are served meanwhile.
 */
export function applyEgress(tools: FoundNetworkTools, pid: number, privileged: boolean, policy: EgressPolicy): Promise<void> {
  const script = egressRuleset(policy, hostAddresses());
  return new Promise((resolve, reject) => {
    const child = spawn(tools.nsenter, [...nsenterArgs(pid, privileged), tools.nft, '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not write the sandbox's network rules: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`could not write the sandbox's network rules: ${(stderr || `${signal ?? `exit ${code}`}`).trim().split('\n')[0]}`));
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(script);
  });
}

/**
 * Attaches slirp4netns to the namespace of `pid` and resolves once the interface is configured.
 * `wrap` puts it into the sandbox's cgroup (so a pause freezes it and a kill ends it); it also
 * ends with its sandbox's namespace, and when the daemon goes (its exit pipe closes).
 */
export function attachSlirp(
  slirp4netns: string,
  pid: number,
  privileged: boolean,
  wrap: (command: string, args: string[]) => { command: string; args: string[] },
): Promise<ChildProcess> {
  const args = [
    '--configure',
    '--mtu=65520',
    '--disable-host-loopback',
    '--enable-sandbox',
    '--enable-seccomp',
    '--ready-fd=3',
    '--exit-fd=4',
    ...(privileged ? [] : [`--userns-path=/proc/${pid}/ns/user`]),
    String(pid),
    'tap0',
  ];
  const run = wrap(slirp4netns, args);
  const child = spawn(run.command, run.args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString('utf8');
  });
  // never written: slirp4netns ends when it closes, that is when the daemon is gone
  (child.stdio[4] as NodeJS.WritableStream).on('error', () => {});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('slirp4netns did not configure the sandbox network within 10 s'));
    }, 10_000);
    const ready = child.stdio[3] as NodeJS.ReadableStream;
    ready.once('data', () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`slirp4netns failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
