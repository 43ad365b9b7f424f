/**
 * Chain 3 of the security issue: envd's socket lived in the sandbox's run folder, and the daemon
 * (root on the host) connected to it by path. Root in the sandbox replaced it with a symlink to
 * any unix socket of the host (docker.sock would be host root), and the daemon followed it with
 * the sandbox's requests. Written as the attack, against a host socket that records who comes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/index.js';
import { createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

let backend: LocalBackend;
let sandbox: Sandbox;
let hostDir: string;
let hostSocket: Server;
const arrivals: string[] = [];

beforeAll(async () => {
  backend = await startLocalBackend();
  sandbox = await createSandbox(backend);
  hostDir = mkdtempSync(join(tmpdir(), 'e2bts-host-socket-'));
  const path = join(hostDir, 'victim.sock');
  hostSocket = createServer((socket) => {
    socket.once('data', (data) => arrivals.push(data.toString('latin1').split('\r\n')[0]));
    socket.on('error', () => {});
    setTimeout(() => socket.destroy(), 100);
  });
  await new Promise<void>((resolve) => hostSocket.listen(path, resolve));
});
afterAll(async () => {
  hostSocket?.close();
  await backend?.dispose();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

describe('chain 3: the daemon never connects where a sandbox points it', () => {
  it('envd has no socket a sandbox can see, so there is nothing to replace', async () => {
    const res = await run(sandbox, 'find / -xdev -type s 2>/dev/null; ls -A /run/e2b');
    expect(res.stdout).not.toMatch(/envd\.sock/);
  });

  it('root replacing every socket and run file it finds with a link to a host socket changes nothing', async () => {
    const victim = join(hostDir, 'victim.sock');
    const attack = await run(
      sandbox,
      `for f in /run/e2b/envd.sock $(find / -xdev -type s 2>/dev/null) $(ls -d /run/e2b/* 2>/dev/null); do rm -rf "$f"; ln -s ${victim} "$f"; done; ln -s ${victim} /run/e2b/envd.sock; echo planted`,
    );
    expect(attack.stdout).toContain('planted');
    // Many requests at once: the daemon has to open new connections to envd for them.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => run(sandbox, `echo still-here-${i}`, 'user')));
    results.forEach((res, i) => {
      expect(res.stdout.trim()).toBe(`still-here-${i}`);
    });
    expect(arrivals).toEqual([]);
  });
});
