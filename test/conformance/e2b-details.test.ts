/**
 * Details where code written for E2B Cloud notices it is not on E2B (issue 18), each driven
 * through the official SDK and through our client against the local backend: pseudo-files read
 * by their content, a cold boot after a files-only pause, setTimeout(0).
 */
import * as e2b from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import type { LocalBackend } from '../helpers/local-backend.js';
import { startLocalEnv } from './sandbox-scenarios.js';

let backend: LocalBackend;

beforeAll(async () => {
  ({ backend } = await startLocalEnv());
}, 120_000);
afterAll(async () => {
  await backend?.dispose();
});

/** Both clients, as the same small surface (the official SDK's, which ours shares). */
const clients = {
  'official SDK': e2b.Sandbox,
  'e2b-ts': ours.Sandbox as unknown as typeof e2b.Sandbox,
};
const BOOT_ID = '/proc/sys/kernel/random/boot_id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/;

describe.each(Object.entries(clients))('through the %s', (_label, Sandbox) => {
  it('pseudo-files are read by their content, as cat sees them (stat says 0 bytes)', async () => {
    const sandbox = await Sandbox.create();
    try {
      const viaCat = (await sandbox.commands.run(`cat ${BOOT_ID} /proc/version`)).stdout;
      const bootId = await sandbox.files.read(BOOT_ID);
      const version = await sandbox.files.read('/proc/version');
      expect(bootId).toMatch(UUID);
      expect(bootId + version).toBe(viaCat);
      const bytes = await sandbox.files.read('/proc/self/cmdline', { format: 'bytes' });
      expect(bytes.length).toBeGreaterThan(0);
    } finally {
      await sandbox.kill();
    }
  });

  it('a files-only pause is a cold boot: a new boot id, processes gone, files kept; a pause with memory is not', async () => {
    const sandbox = await Sandbox.create();
    try {
      const first = await sandbox.files.read(BOOT_ID);
      await sandbox.files.write('/home/user/kept.txt', 'kept');
      const sleeper = await sandbox.commands.run('sleep 600', { background: true });

      await sandbox.pause();
      await sandbox.connect();
      expect(await sandbox.files.read(BOOT_ID)).toBe(first);
      expect((await sandbox.commands.list()).map((p) => p.pid)).toContain(sleeper.pid);

      await sandbox.pause({ keepMemory: false });
      await sandbox.connect();
      const second = await sandbox.files.read(BOOT_ID);
      expect(second).toMatch(UUID);
      expect(second).not.toBe(first);
      expect((await sandbox.commands.list()).map((p) => p.pid)).not.toContain(sleeper.pid);
      expect(await sandbox.files.read('/home/user/kept.txt')).toBe('kept');
      // and the boot id inside is what commands see too
      expect((await sandbox.commands.run(`cat ${BOOT_ID}`)).stdout).toBe(second);
    } finally {
      await sandbox.kill();
    }
  });

  it("file metadata is the file's user.e2b.* xattrs, both ways", async () => {
    const sandbox = await Sandbox.create();
    try {
      const py = (code: string) => sandbox.commands.run(`python3 -c ${JSON.stringify(code)}`);
      // written through the API, read inside with getxattr
      await sandbox.files.write('/home/user/api.txt', 'a', { metadata: { author: 'api', 'build-id': '7' } });
      const inside = await py("import os; p='/home/user/api.txt'; print(sorted((n, os.getxattr(p, n).decode()) for n in os.listxattr(p)))");
      expect(inside.stdout).toBe("[('user.e2b.author', 'api'), ('user.e2b.build-id', '7')]\n");
      // set inside with setxattr, read through the API
      await sandbox.files.write('/home/user/inside.txt', 'b');
      await py(
        "import os; os.setxattr('/home/user/inside.txt', 'user.e2b.author', b'inside'); os.setxattr('/home/user/inside.txt', 'user.other', b'not ours')",
      );
      expect((await sandbox.files.getInfo('/home/user/inside.txt')).metadata).toEqual({ author: 'inside' });
      const listed = (await sandbox.files.list('/home/user')).find((e) => e.name === 'inside.txt');
      expect(listed?.metadata).toEqual({ author: 'inside' });
      // read through a symlink, as listxattr(2) follows one in E2B's envd
      await sandbox.commands.run('ln -s inside.txt /home/user/link.txt');
      expect((await sandbox.files.getInfo('/home/user/link.txt')).metadata).toEqual({ author: 'inside' });
      // an upload replaces the whole set; renames keep it
      await sandbox.files.write('/home/user/api.txt', 'c', { metadata: { only: 'this' } });
      await sandbox.files.rename('/home/user/api.txt', '/home/user/moved.txt');
      expect((await sandbox.files.getInfo('/home/user/moved.txt')).metadata).toEqual({ only: 'this' });
      expect((await py("import os; print(sorted(os.listxattr('/home/user/moved.txt')))")).stdout).toBe("['user.e2b.only']\n");
    } finally {
      await sandbox.kill();
    }
  });

  it('setTimeout(0) runs the on-timeout action at once (kill, or pause with lifecycle pause)', async () => {
    const killed = await Sandbox.create();
    await killed.setTimeout(0);
    for (let i = 0; i < 100 && (await Sandbox.list({ query: { metadata: {} } }).nextItems()).some((s) => s.sandboxId === killed.sandboxId); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await expect(Sandbox.getInfo(killed.sandboxId)).rejects.toThrow();

    const paused = await Sandbox.create({ lifecycle: { onTimeout: 'pause' } });
    try {
      await paused.setTimeout(0);
      let state = '';
      for (let i = 0; i < 100 && state !== 'paused'; i++) {
        state = (await Sandbox.getInfo(paused.sandboxId)).state;
        if (state !== 'paused') await new Promise((r) => setTimeout(r, 50));
      }
      expect(state).toBe('paused');
      // resuming gives the sandbox its last real lifetime, not 0
      await paused.connect();
      expect((await paused.commands.run('echo back')).stdout).toBe('back\n');
    } finally {
      await paused.kill();
    }
  });
});
