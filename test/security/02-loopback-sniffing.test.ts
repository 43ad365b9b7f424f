/**
 * Chain 2 of the security issue: root in a sandbox with internet access shares the host's
 * network namespace. With CAP_NET_RAW a 20-line packet sniffer on `lo` read the daemon's
 * X-API-Key and every sandbox's X-Access-Token as other clients sent them. Written as the attack:
 * the sniffer runs as root in one sandbox while the test talks to the daemon and to another
 * sandbox with their secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/index.js';
import { createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

const SNIFFER = String.raw`
import socket, sys, time
try:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
except OSError as e:
    print("REFUSED", e.errno, flush=True)
    sys.exit(0)
print("SNIFFING", flush=True)
s.settimeout(0.2)
deadline = time.time() + float(sys.argv[1])
seen = set()
while time.time() < deadline:
    try:
        data = s.recv(65535)
    except socket.timeout:
        continue
    low = data.lower()
    for name in (b"x-api-key:", b"x-access-token:"):
        i = low.find(name)
        if i >= 0:
            seen.add(data[i:data.find(b"\r\n", i)].decode(errors="replace"))
for line in sorted(seen):
    print(line)
`;

/** Creates a socket as the sandbox's root; prints OK or the errno. */
const rawSocket = (family: string, type: string, proto: string) =>
  `python3 -c 'import socket
try:
    socket.socket(socket.${family}, socket.${type}, ${proto}); print("OK")
except OSError as e:
    print("errno", e.errno)'`;

let backend: LocalBackend;
let attacker: Sandbox;
let victim: Sandbox;

beforeAll(async () => {
  backend = await startLocalBackend();
  attacker = await createSandbox(backend, { allowInternetAccess: true });
  victim = await createSandbox(backend);
});
afterAll(async () => {
  await backend?.dispose();
});

describe('chain 2: no sandbox can see or touch the host loopback traffic', () => {
  it('a packet sniffer run as root captures neither the API key nor another sandbox access token', async () => {
    await attacker.files.write('/root/sniff.py', SNIFFER);
    const sniffer = await attacker.commands.run('python3 /root/sniff.py 4', { user: 'root', background: true, timeoutMs: 60_000 });
    // What other clients send over loopback while the sniffer listens.
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      await fetch(`${backend.url}/v2/sandboxes`, { headers: { 'X-API-Key': backend.apiKey } });
      await victim.commands.run('true');
    }
    const done = await sniffer.wait().catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    expect(done.stdout).not.toContain(backend.apiKey);
    expect(done.stdout).not.toContain(victim.envdAccessToken!);
    expect(done.stdout).toMatch(/^REFUSED 1\b/);
  });

  it.each([
    ['AF_PACKET', 'SOCK_RAW', 'socket.ntohs(3)'],
    ['AF_INET', 'SOCK_RAW', 'socket.IPPROTO_TCP'],
    ['AF_INET', 'SOCK_RAW', 'socket.IPPROTO_ICMP'],
    ['AF_INET6', 'SOCK_RAW', 'socket.IPPROTO_TCP'],
  ])('root cannot open a %s %s socket (%s)', async (family, type, proto) => {
    const res = await run(attacker, rawSocket(family, type, proto));
    expect(res.stdout.trim()).toBe('errno 1');
  });

  it('root keeps neither CAP_NET_RAW nor CAP_NET_ADMIN', async () => {
    const res = await run(attacker, 'grep -E "^Cap(Eff|Prm|Amb):" /proc/self/status');
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const caps = BigInt(`0x${line.split(/\s+/)[1]}`);
      expect(caps & (1n << 13n), `${line}: CAP_NET_RAW`).toBe(0n);
      expect(caps & (1n << 12n), `${line}: CAP_NET_ADMIN`).toBe(0n);
    }
    // positive control: root still has the container-like set (CAP_CHOWN is bit 0)
    expect(BigInt(`0x${lines[0].split(/\s+/)[1]}`) & 1n).toBe(1n);
  });
});
