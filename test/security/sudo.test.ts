/**
 * The sandbox's sudo, as each attacker of the security model would try it:
 * - code in the sandbox: sudo gives root *in the sandbox* (as on E2B), never more: a command
 *   started through sudo shares every namespace and the capability set of one started as root
 *   directly, and a forged request (a raw client on the socket, a bad user, a huge frame) gets
 *   nothing else;
 * - another local user: the socket is in a tmpfs of the sandbox's own mount namespace, so there
 *   is no path to it on this machine, in the state folder or elsewhere;
 * - a web page: the service speaks only on that unix socket; envd's HTTP listener has no route
 *   to it.
 */
import { readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/index.js';
import { createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

let backend: LocalBackend;
let sandbox: Sandbox;

beforeAll(async () => {
  backend = await startLocalBackend();
  sandbox = await createSandbox(backend);
}, 120_000);
afterAll(async () => {
  await sandbox?.kill().catch(() => {});
  await backend?.dispose();
});

const IDENTITY =
  'for n in mnt pid net user ipc uts cgroup; do readlink /proc/self/ns/$n; done; grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status';

describe('sudo, attacked from inside the sandbox', () => {
  it('a command through sudo has exactly what a root command has: same namespaces, capabilities, NoNewPrivs', async () => {
    const direct = await run(sandbox, IDENTITY, 'root');
    const viaSudo = await run(sandbox, `sudo sh -c '${IDENTITY}'`, 'user');
    expect(direct.exitCode).toBe(0);
    expect(viaSudo.exitCode).toBe(0);
    expect(viaSudo.stdout).toBe(direct.stdout);
    expect(viaSudo.stdout).toMatch(/NoNewPrivs:\s+1/);
  });

  it('hostile requests on the socket: garbage, an oversized frame, an unknown user, a path as user', async () => {
    const script = `
const net = require('node:net');
const frame = (t, p) => { const b = Buffer.from(p); const h = Buffer.alloc(5); h[0] = t; h.writeUInt32BE(b.length, 1); return Buffer.concat([h, b]); };
const ask = (bytes) => new Promise((resolve) => {
  const s = net.connect('/run/e2b-sudo/sudo.sock');
  let got = Buffer.alloc(0);
  s.on('data', (d) => (got = Buffer.concat([got, d])));
  s.on('close', () => resolve(got.toString('latin1')));
  s.on('error', () => {});
  s.write(bytes);
  setTimeout(() => s.destroy(), 3000);
});
(async () => {
  const big = Buffer.alloc(5); big[0] = 0x52; big.writeUInt32BE(0x7fffffff, 1);
  const req = (user) => frame(0x52, JSON.stringify({ user, mode: 'exec', argv: ['id', '-u'], preserveEnv: false, env: {}, cwd: '/', caller: { user: 'x', uid: 1, gid: 1 } }));
  console.log(JSON.stringify({
    oversized: await ask(big),
    unknown: await ask(req('nobody-at-all')),
    traversal: await ask(req('../../root')),
    proto: await ask(req('__proto__')),
  }));
})();`;
    await sandbox.files.write('/tmp/sudo-attack.cjs', script, { user: 'user' });
    const res = await run(sandbox, '/run/e2b-bin/node /tmp/sudo-attack.cjs', 'user');
    expect(res.stderr).toBe('');
    const answers = JSON.parse(res.stdout) as Record<string, string>;
    expect(answers.oversized).toBe(''); // the connection is dropped, nothing runs
    for (const name of ['unknown', 'traversal', 'proto']) {
      expect(answers[name]).toContain('unknown user');
      expect(answers[name]).not.toMatch(/"code":0/);
    }
  });
});

describe("user names that are Object's own names", () => {
  it('__proto__ or constructor as a user is refused by /files and by the process API, not run as root', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const res = await fetch(`${backend.url}/files?path=/etc/hostname&username=${name}`, {
        headers: { 'e2b-sandbox-id': sandbox.sandboxId, 'e2b-sandbox-port': '49983', 'x-access-token': sandbox.envdAccessToken ?? '' },
      });
      expect(res.status, name).toBe(401);
      await expect(sandbox.commands.run('id -u', { user: name }), name).rejects.toThrow(/invalid username/);
    }
  });
});

describe('sudo, from outside the sandbox', () => {
  it('there is no path to the sudo socket on this machine (another local user cannot reach it)', async () => {
    expect((await run(sandbox, 'test -S /run/e2b-sudo/sudo.sock && echo present', 'user')).stdout).toBe('present\n');
    const sockets: string[] = [];
    const walk = (dir: string, depth: number) => {
      if (depth > 12) return;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const path = join(dir, name);
        let st: ReturnType<typeof lstatSync>;
        try {
          st = lstatSync(path);
        } catch {
          continue;
        }
        if (st.isSocket() && name.includes('sudo')) sockets.push(path);
        else if (st.isDirectory()) walk(path, depth + 1);
      }
    };
    walk(backend.home, 0);
    walk('/run', 0);
    walk('/tmp', 0);
    expect(sockets).toEqual([]);
  });

  it("envd's HTTP listener has no route to sudo (a web page reaching the port gets nothing)", async () => {
    for (const path of ['/sudo', '/run/e2b-sudo/sudo.sock', '/sudo.sock']) {
      const res = await fetch(`${backend.url}${path}`, { headers: { 'e2b-sandbox-id': sandbox.sandboxId, 'e2b-sandbox-port': '49983' } });
      expect(res.status, path).not.toBe(200);
    }
  });
});
