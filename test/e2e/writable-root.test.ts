/**
 * A sandbox's root is its own and writable (src/local/runtime/layers.ts): root writes anywhere,
 * `/0/x`, `/usr/local/bin/tool`, `/etc/motd`, a new account in `/etc/passwd`, through the
 * official SDK as E2B code does, and the files survive pause/resume, pause without memory and
 * a daemon restart. The host's folders are never written, two sandboxes see only their own
 * writes, and a snapshot carries them into a new sandbox.
 *
 * Where overlayfs cannot be mounted the backend keeps a read-only root and says so in its
 * runtime description; this file then skips and prints why.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readAllStats } from '../../src/local/runtime/proctree.js';
import { join } from 'node:path';
import { Sandbox as SdkSandbox } from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/index.js';
import { selectRuntime } from '../../src/local/runtime/index.js';
import { runCli } from '../helpers/cli.js';
import { requireSandboxFolder, startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
// What the daemon will find: the same probe, run here before the tests are collected.
const description = selectRuntime(process.env).description;
const writable = /writable root/.test(description);
if (!writable) console.warn(`skipping the writable-root tests: the runtime has no writable root here (${description})`);

const conn = () => ({ apiKey: backend.apiKey, apiUrl: backend.url, sandboxUrl: backend.url });
const FILES: Record<string, string> = {
  '/0/x': 'zero\n',
  '/usr/local/bin/tool': '#!/bin/sh\necho tool ran\n',
  '/etc/motd': 'welcome to a writable root\n',
};
const HOST_MOTD = existsSync('/etc/motd') ? readFileSync('/etc/motd', 'utf8') : undefined;

beforeAll(async () => {
  backend = await startLocalBackend();
  process.env.E2B_API_URL = backend.url;
  process.env.E2B_SANDBOX_URL = backend.url;
  process.env.E2B_API_KEY = backend.apiKey;
}, 60_000);

afterAll(async () => {
  await backend?.dispose();
});

async function readAll(sbx: Sandbox): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of Object.keys(FILES)) out[path] = await sbx.files.read(path, { user: 'root' });
  return out;
}

describe.skipIf(!writable)('a writable root', () => {
  it('the official SDK writes /0/x, /usr/local/bin/tool and /etc/motd as root and reads them back', async () => {
    const sdk = await SdkSandbox.create();
    try {
      for (const [path, text] of Object.entries(FILES)) await sdk.files.write(path, text, { user: 'root' });
      for (const [path, text] of Object.entries(FILES)) expect(await sdk.files.read(path, { user: 'root' })).toBe(text);
      await sdk.commands.run('chmod +x /usr/local/bin/tool', { user: 'root' });
      expect((await sdk.commands.run('tool')).stdout).toBe('tool ran\n');
      // the host's folders are untouched
      expect(existsSync('/0')).toBe(false);
      expect(existsSync('/usr/local/bin/tool')).toBe(false);
      expect(existsSync('/etc/motd') ? readFileSync('/etc/motd', 'utf8') : undefined).toBe(HOST_MOTD);
    } finally {
      await sdk.kill();
    }
  });

  it('the files survive pause and resume, pause without memory, and a daemon restart', async () => {
    const sbx = await Sandbox.create({ ...conn(), timeoutMs: 600_000 });
    try {
      for (const [path, text] of Object.entries(FILES)) await sbx.files.write(path, text, { user: 'root' });
      await sbx.pause();
      await sbx.connect();
      expect(await readAll(sbx)).toEqual(FILES);
      await sbx.pause({ keepMemory: false });
      await sbx.connect();
      expect(await readAll(sbx)).toEqual(FILES);
      await backend.restart();
      const again = await Sandbox.connect(sbx.sandboxId, { ...conn() });
      expect(await readAll(again)).toEqual(FILES);
      // envd's own view and a process's agree
      expect((await again.commands.run('cat /0/x /etc/motd', { user: 'root' })).stdout).toBe(`${FILES['/0/x']}${FILES['/etc/motd']}`);
    } finally {
      await Sandbox.kill(sbx.sandboxId, { ...conn() }).catch(() => undefined);
    }
  });

  it('root can add an account (useradd writes /etc/passwd, group, shadow), and the host secrets stay hidden', async () => {
    const sbx = await Sandbox.create({ ...conn() });
    try {
      const added = await sbx.commands.run('useradd -m bob && id -u bob && getent passwd bob | cut -d: -f6', { user: 'root' });
      expect(added.stdout.split('\n')[1]).toBe('/home/bob');
      // /etc/shadow is the sandbox's own (locked accounts and now bob), never the host's
      const shadow = (await sbx.commands.run('cat /etc/shadow', { user: 'root' })).stdout;
      expect(shadow).toMatch(/^bob:/m);
      expect(shadow).not.toMatch(/^root:\$/m);
    } finally {
      await sbx.kill();
    }
  });

  it('templates are layers: a sandbox from a snapshot copies nothing, snapshots stack, a deleted template stays while used', async () => {
    const a = await Sandbox.create({ ...conn(), timeoutMs: 600_000 });
    let b: Sandbox | undefined;
    let c: Sandbox | undefined;
    try {
      await a.commands.run(
        'mkdir -p /opt/data && head -c 4194304 /dev/urandom > /opt/data/blob && echo one > /usr/local/share/one && echo mine > /home/user/a.txt',
        { user: 'root' },
      );
      const sumA = (await a.commands.run('sha256sum /opt/data/blob', { user: 'root' })).stdout;
      const first = await a.createSnapshot();
      b = await Sandbox.create(first.snapshotId, { ...conn(), timeoutMs: 600_000 });
      expect((await b.commands.run('sha256sum /opt/data/blob', { user: 'root' })).stdout).toBe(sumA);
      expect(await b.files.read('/usr/local/share/one')).toBe('one\n');
      expect(await b.files.read('/home/user/a.txt')).toBe('mine\n');
      // nothing was copied into b's own folder: its files stand on the snapshot's layer
      const bDir = requireSandboxFolder(backend.home, b.sandboxId);
      expect(existsSync(join(bDir, 'fs', 'opt', 'data', 'blob'))).toBe(false);
      expect(existsSync(join(bDir, 'upper', 'usr', 'local', 'share', 'one'))).toBe(false);
      // b changes and deletes some, snapshots: the second stacks on the first
      // b also replaces a folder of the first snapshot with a new one of that name: overlayfs
      // marks it opaque, and the mark must reach the next layer or the old files show through
      await b.commands.run('echo two > /usr/local/share/two && rm /home/user/a.txt && mkdir -p /opt/conf && echo old > /opt/conf/old', { user: 'root' });
      const mid = await b.createSnapshot();
      const m = await Sandbox.create(mid.snapshotId, { ...conn(), timeoutMs: 600_000 });
      await m.commands.run('rm -r /opt/conf && mkdir /opt/conf && echo new > /opt/conf/new', { user: 'root' });
      const replaced = await m.createSnapshot();
      const r = await Sandbox.create(replaced.snapshotId, { ...conn(), timeoutMs: 600_000 });
      try {
        expect((await r.files.list('/opt/conf', { user: 'root' })).map((e) => e.name)).toEqual(['new']);
      } finally {
        await r.kill();
        await m.kill();
        await Sandbox.deleteSnapshot(replaced.snapshotId, { ...conn() });
        await Sandbox.deleteSnapshot(mid.snapshotId, { ...conn() });
      }
      const second = await b.createSnapshot();
      c = await Sandbox.create(second.snapshotId, { ...conn(), timeoutMs: 600_000 });
      expect(await c.files.read('/usr/local/share/one')).toBe('one\n');
      expect(await c.files.read('/usr/local/share/two')).toBe('two\n');
      expect(await c.files.exists('/home/user/a.txt')).toBe(false);
      expect((await c.commands.run('sha256sum /opt/data/blob', { user: 'root' })).stdout).toBe(sumA);
      // deleting the templates while c stands on them keeps c whole, through a restart too
      await Sandbox.deleteSnapshot(second.snapshotId, { ...conn() });
      await Sandbox.deleteSnapshot(first.snapshotId, { ...conn() });
      await c.pause({ keepMemory: false });
      await backend.restart();
      const again = await Sandbox.connect(c.sandboxId, { ...conn() });
      expect(await again.files.read('/usr/local/share/one')).toBe('one\n');
      expect((await again.commands.run('sha256sum /opt/data/blob', { user: 'root' })).stdout).toBe(sumA);
      // once nothing stands on them, a restart removes their folders
      await again.kill();
      await b.kill();
      await backend.restart();
      const templates = join(backend.home, 'templates');
      const left = readdirSync(templates).filter((n) => !existsSync(join(templates, n, 'template.json')));
      expect(left).toEqual([]);
    } finally {
      for (const s of [a, b, c]) if (s) await Sandbox.kill(s.sandboxId, { ...conn() }).catch(() => undefined);
    }
  });

  it('two sandboxes see only their own writes; a snapshot of one starts a third with its files', async () => {
    const a = await Sandbox.create({ ...conn(), timeoutMs: 600_000 });
    const b = await Sandbox.create({ ...conn() });
    try {
      await a.files.write('/usr/local/bin/only-a', 'a\n', { user: 'root' });
      await b.files.write('/etc/only-b', 'b\n', { user: 'root' });
      expect(await b.files.exists('/usr/local/bin/only-a', { user: 'root' })).toBe(false);
      expect(await a.files.exists('/etc/only-b', { user: 'root' })).toBe(false);
      // a host file deleted in one sandbox stays on the host and in the other
      await a.commands.run('rm /etc/debian_version', { user: 'root' });
      expect(await a.files.exists('/etc/debian_version', { user: 'root' })).toBe(false);
      expect(await b.files.exists('/etc/debian_version', { user: 'root' })).toBe(true);
      expect(existsSync('/etc/debian_version')).toBe(true);
      const snapshot = await a.createSnapshot();
      const c = await Sandbox.create(snapshot.snapshotId, { ...conn() });
      try {
        expect(await c.files.read('/usr/local/bin/only-a', { user: 'root' })).toBe('a\n');
        expect(await c.files.exists('/etc/only-b', { user: 'root' })).toBe(false);
        // the deletion is carried too (the whiteout is copied)
        expect(await c.files.exists('/etc/debian_version', { user: 'root' })).toBe(false);
      } finally {
        await c.kill();
      }
    } finally {
      await a.kill();
      await b.kill();
    }
  });
});

// The fallback where the kernel cannot mount overlayfs (kernels before 5.11 for a normal user, or
// without overlayfs): fuse-overlayfs, forced here with E2B_TS_OVERLAY=fuse on a second backend.
const fuseDescription = selectRuntime({ ...process.env, E2B_TS_OVERLAY: 'fuse' }).description;
const fuseWorks = /writable root \(fuse-overlayfs/.test(fuseDescription);
if (!fuseWorks) console.warn(`skipping the fuse-overlayfs tests: ${fuseDescription}`);

describe.skipIf(!fuseWorks)('a writable root through fuse-overlayfs', () => {
  /**
   * fuse-overlayfs processes serving folders of a backend (their command lines name them). The
   * backend runs without a warm spare, so they are its one sandbox's.
   */
  const servers = (dir: string) =>
    [...readAllStats().keys()].filter((pid) => {
      try {
        return (
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('fuse-overlayfs') && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)
        );
      } catch {
        return false;
      }
    });

  it('local status says fuse-overlayfs; files written anywhere survive pause, pause without memory and a restart; kill ends the servers', async () => {
    const fuse = await startLocalBackend({ env: { E2B_TS_OVERLAY: 'fuse', E2B_TS_WARM_SPARE: '0' } });
    try {
      const status = await runCli(['--local', 'local', 'status'], { env: { E2B_TS_HOME: fuse.home } });
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^runtime\s.*writable root \(fuse-overlayfs\)/m);
      const c = { apiKey: fuse.apiKey, apiUrl: fuse.url, sandboxUrl: fuse.url };
      const sbx = await Sandbox.create({ ...c, timeoutMs: 600_000 });
      const dir = fuse.home;
      // one server per overlay: /, /usr, /etc (and more on hosts with a separate /bin)
      expect(servers(dir).length).toBeGreaterThanOrEqual(3);
      for (const [path, text] of Object.entries(FILES)) await sbx.files.write(path, text, { user: 'root' });
      await sbx.commands.run('chmod +x /usr/local/bin/tool && rm /etc/debian_version', { user: 'root' });
      expect((await sbx.commands.run('tool')).stdout).toBe('tool ran\n');
      await sbx.pause({ keepMemory: false });
      // stopped: its servers are gone with it
      expect(servers(dir)).toEqual([]);
      await sbx.connect();
      await fuse.restart();
      const again = await Sandbox.connect(sbx.sandboxId, { ...c });
      expect(await readAll(again)).toEqual(FILES);
      expect(await again.files.exists('/etc/debian_version', { user: 'root' })).toBe(false);
      expect(existsSync('/usr/local/bin/tool')).toBe(false);
      expect(existsSync('/etc/debian_version')).toBe(true);
      await again.kill();
      expect(servers(dir)).toEqual([]);
    } finally {
      await fuse.dispose();
    }
  });
});
