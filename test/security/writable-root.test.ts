/**
 * The writable root (src/local/runtime/layers.ts) gives sandbox root a new place to plant
 * things the daemon touches: its upper layers, `fs/usr` and `fs/etc`, which the daemon reads
 * and writes at every start (the sandbox's own account files, the mounts). Attacks by root in
 * the sandbox:
 *
 * - links planted where the daemon writes the sandbox's /etc files (`/etc/hostname -> /host/x`),
 *   to make it write a host file at the next start;
 * - device nodes and set-id programs in the new writable places (`/usr/local`, `/0`), to reach
 *   host devices or raise privileges;
 * - deleting or replacing what hides the host's secrets in /etc.
 *
 * Each runs as root in a sandbox, then the sandbox is restarted (pause without memory, resume)
 * so the daemon lays out its root again over what root left.
 */
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/index.js';
import { selectRuntime } from '../../src/local/runtime/index.js';
import { requireSandboxFolder } from '../helpers/local-backend.js';
import { connection, createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

const writable = /writable root/.test(selectRuntime(process.env).description);
if (!writable) console.warn('skipping the writable-root attacks: this machine gives sandboxes no writable root');

let backend: LocalBackend;
const CANARY = `/tmp/e2bts-writable-root-canary-${process.pid}`;
const SECRET = `/etc/e2bts-writable-root-secret-${process.pid}`;

beforeAll(async () => {
  // a secret of the host: readable only by root, so hidden from sandboxes
  writeFileSync(SECRET, 'host secret\n', { mode: 0o600 });
  backend = await startLocalBackend();
}, 60_000);

afterAll(async () => {
  await backend?.dispose();
  rmSync(CANARY, { force: true, recursive: true });
  rmSync(SECRET, { force: true });
});

async function restart(sandbox: Sandbox): Promise<void> {
  await sandbox.pause({ keepMemory: false });
  await sandbox.connect();
}

describe.skipIf(!writable)('root in a sandbox against its writable root', () => {
  it("links planted where the daemon writes the sandbox's /etc files do not make it write a host file", async () => {
    const sandbox = await createSandbox(backend);
    try {
      const names = ['hostname', 'hosts', 'machine-id', 'resolv.conf', 'passwd', 'group'];
      const plant = names.map((n) => `rm -f /etc/${n} && ln -s ${CANARY}-${n} /etc/${n}`).join(' && ');
      expect((await run(sandbox, plant)).exitCode).toBe(0);
      await restart(sandbox);
      for (const n of names) expect(existsSync(`${CANARY}-${n}`), `${CANARY}-${n} on the host`).toBe(false);
      // the sandbox still runs, with its links as it left them
      expect((await run(sandbox, 'readlink /etc/hostname')).stdout.trim()).toBe(`${CANARY}-hostname`);
    } finally {
      await sandbox.kill();
    }
  });

  it('the writable places are nodev and nosuid: a device node made there cannot be opened', async () => {
    const sandbox = await createSandbox(backend);
    try {
      // /dev/null's numbers (1,3): harmless if it opened, and it must not
      const made = await run(sandbox, 'mknod /usr/local/null-dev c 1 3 && mkdir -p /0 && mknod /0/null-dev c 1 3 && mknod /etc/null-dev c 1 3 && echo made');
      expect(made.stdout).toContain('made');
      for (const path of ['/usr/local/null-dev', '/0/null-dev', '/etc/null-dev']) {
        const opened = await run(sandbox, `echo x > ${path} && echo opened || echo refused`);
        expect(opened.stdout.trim(), path).toBe('refused');
      }
      const options = await run(sandbox, 'awk \'$5 == "/" || $5 == "/usr" || $5 == "/etc" { print $5, $6 }\' /proc/self/mountinfo');
      const lines = options.stdout.trim().split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines) {
        expect(line, line).toMatch(/nosuid/);
        expect(line, line).toMatch(/nodev/);
      }
    } finally {
      await sandbox.kill();
    }
  });

  it("a sandbox's mount namespace holds none of another sandbox's mounts (its disk, its layers)", async () => {
    const first = await createSandbox(backend);
    const second = await createSandbox(backend);
    try {
      await run(first, 'echo x > /0x');
      const firstFolder = realpathSync(requireSandboxFolder(backend.home, first.sandboxId));
      const secondFolder = requireSandboxFolder(backend.home, second.sandboxId);
      // the top of the second sandbox's process tree holds its namespace of overlay mounts
      const record = JSON.parse(readFileSync(join(secondFolder, 'sandbox.json'), 'utf8')) as { process?: { pid: number } };
      expect(record.process?.pid).toBeGreaterThan(0);
      const table = readFileSync(`/proc/${record.process!.pid}/mountinfo`, 'utf8');
      const points = table.split('\n').map((line) => line.split(' ')[4] ?? '');
      // its own overlays are there (the test looks at the right table), the first's folder is not
      expect(points.some((p) => p.startsWith(realpathSync(secondFolder)))).toBe(true);
      expect(points.filter((p) => p.startsWith(firstFolder))).toEqual([]);
    } finally {
      await first.kill();
      await second.kill();
    }
  });

  it("the host's /etc secrets stay hidden whatever root does to the names over them, before and after a restart", async () => {
    const sandbox = await createSandbox(backend);
    try {
      const name = SECRET;
      expect((await run(sandbox, `cat ${name}`)).exitCode).not.toBe(0);
      // removing, replacing and renaming around the hidden name changes only the sandbox's view
      expect(
        (await run(sandbox, `rm -f ${name}; echo mine > ${name} && cat ${name} && rm ${name} && ls /etc | grep -c e2bts-writable-root-secret || true`)).stdout,
      ).toBe('mine\n0\n');
      await restart(sandbox);
      expect((await run(sandbox, `cat ${name}`)).exitCode).not.toBe(0);
      expect((await run(sandbox, 'grep -rl "host secret" /etc 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
    } finally {
      await sandbox.kill();
    }
  });
});

void connection;
