/**
 * The pieces of the local backend's hardening that work on their own, on real folders: what of
 * /etc is hidden, copies that never follow or write through what is already there, the state
 * folder's modes, envd's sockets, and making folders one level at a time.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyTree } from '../../src/local/copy-tree.js';
import { makeDirs } from '../../src/local/envd/filesystem/service.js';
import { etcHidden, generatedTarget } from '../../src/local/runtime/rootfs.js';
import { SocketDir } from '../../src/local/runtime/socket.js';
import { secureStateRoot } from '../../src/local/state-root.js';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'e2bts-hardening-'));
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

describe('etcHidden: what other users cannot read, and the host identity', () => {
  it('hides unreadable files, unlistable folders whole, host keys and account backups; keeps the rest', () => {
    const etc = join(base, 'etc');
    write(join(etc, 'shadow'), 'x', 0o640);
    write(join(etc, 'ok.conf'), 'x', 0o644);
    write(join(etc, 'ssl/private/key.pem'), 'x', 0o644);
    chmodSync(join(etc, 'ssl/private'), 0o700);
    write(join(etc, 'ssl/certs/ca.pem'), 'x', 0o644);
    write(join(etc, 'ssh/ssh_host_ed25519_key.pub'), 'x', 0o644);
    write(join(etc, 'ssh/ssh_config'), 'x', 0o644);
    write(join(etc, 'passwd-'), 'x', 0o644);
    write(join(etc, 'subuid'), 'x', 0o644);
    write(join(etc, 'passwd'), 'x', 0o644);
    write(join(etc, 'app/secret.token'), 'x', 0o600);
    symlinkSync('/etc/shadow', join(etc, 'link-to-secret'));
    const hidden = etcHidden(etc);
    // shadow and passwd are not hidden but replaced: the sandbox gets generated ones
    expect(hidden.files.sort()).toEqual(['app/secret.token', 'passwd-', 'ssh/ssh_host_ed25519_key.pub', 'subuid']);
    expect(hidden.dirs).toEqual(['ssl/private']);
  });

  it('a generated file goes where the host link into /run points, or nowhere when the host has none', () => {
    const etc = join(base, 'etc');
    mkdirSync(etc);
    symlinkSync('../run/systemd/resolve/stub-resolv.conf', join(etc, 'resolv.conf'));
    symlinkSync('/usr/lib/os-release', join(etc, 'hostname'));
    write(join(etc, 'hosts'), 'x');
    expect(generatedTarget('resolv.conf', etc)).toBe('/run/systemd/resolve/stub-resolv.conf');
    expect(generatedTarget('hostname', etc)).toBeUndefined();
    expect(generatedTarget('hosts', etc)).toBe('/etc/hosts');
    expect(generatedTarget('machine-id', etc)).toBeUndefined();
  });
});

describe('copyTree: a hostile source into a skeleton', () => {
  it('replaces what the destination holds instead of writing through it (var/run -> /run of the host)', async () => {
    const host = join(base, 'host-run');
    mkdirSync(host);
    const dst = join(base, 'dst');
    mkdirSync(join(dst, 'var'), { recursive: true });
    symlinkSync(host, join(dst, 'var', 'run'));
    symlinkSync(host, join(dst, 'var', 'lock'));
    const src = join(base, 'src');
    write(join(src, 'var/run/planted'), 'from the template');
    write(join(src, 'var/lock'), 'a file now');
    symlinkSync('/etc/shadow', join(src, 'shadow-link'));
    await copyTree(src, dst);
    expect(readdirSync(host)).toEqual([]);
    expect(lstatSync(join(dst, 'var/run')).isDirectory()).toBe(true);
    expect(readFileSync(join(dst, 'var/run/planted'), 'utf8')).toBe('from the template');
    expect(readFileSync(join(dst, 'var/lock'), 'utf8')).toBe('a file now');
    expect(readlinkSync(join(dst, 'shadow-link'))).toBe('/etc/shadow');
  });

  it('refuses to put a non-folder where a top-level folder (a mount point) is', async () => {
    const dst = join(base, 'dst');
    mkdirSync(join(dst, 'tmp'), { recursive: true });
    const src = join(base, 'src');
    mkdirSync(src);
    symlinkSync('/etc', join(src, 'tmp'));
    await expect(copyTree(src, dst)).rejects.toThrow(/must be one/);
    expect(lstatSync(join(dst, 'tmp')).isDirectory()).toBe(true);
  });

  it('a source that is a symlink to a folder is not walked', async () => {
    const outside = join(base, 'outside');
    write(join(outside, 'secret'), 'host data');
    symlinkSync(outside, join(base, 'src'));
    await copyTree(join(base, 'src'), join(base, 'dst'));
    expect(lstatSync(join(base, 'dst')).isSymbolicLink()).toBe(true);
  });
});

describe('secureStateRoot', () => {
  it('creates 0700, tightens a folder of ours open to others, and accepts a symlink to it', () => {
    const fresh = join(base, 'fresh');
    expect(secureStateRoot(fresh)).toEqual({});
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    expect(secureStateRoot(open)).toEqual({ tightenedFrom: 0o755 });
    expect(statSync(open).mode & 0o777).toBe(0o700);
    symlinkSync(open, join(base, 'link'));
    expect(secureStateRoot(join(base, 'link'))).toEqual({});
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a folder that belongs to another user', () => {
    const foreign = join(base, 'foreign');
    mkdirSync(foreign);
    chownSync(foreign, 12345, 12345);
    expect(() => secureStateRoot(foreign)).toThrow(/belongs to uid 12345, not to you/);
  });
});

describe('SocketDir: envd sockets the daemon binds', () => {
  it('names sockets short whatever the folder length, keeps the file after handing over, and removes leftovers', async () => {
    const dir = join(base, 'x'.repeat(100), 'y'.repeat(100));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'leftover.sock'), '');
    const sockets = SocketDir.open(dir);
    try {
      expect(existsSync(join(dir, 'leftover.sock'))).toBe(false);
      const listener = await sockets.listen();
      expect(listener.connectPath.length).toBeLessThan(108);
      // What envd does with the descriptor, in a process of its own: serve on it.
      const envd = spawn(
        process.execPath,
        ['-e', "require('node:http').createServer((q, r) => r.writeHead(204).end()).listen({ fd: 3 }, () => console.log('READY'))"],
        {
          stdio: ['ignore', 'pipe', 'inherit', listener.fd!],
        },
      );
      listener.handOver();
      try {
        await new Promise<void>((resolve) => envd.stdout!.once('data', () => resolve()));
        expect(readdirSync(dir).filter((n) => n.endsWith('.sock'))).toHaveLength(1);
        const status = await new Promise<number | undefined>((resolve, reject) => {
          request({ socketPath: listener.connectPath, path: '/health', agent: false }, (res) => resolve(res.statusCode))
            .on('error', reject)
            .end();
        });
        expect(status).toBe(204);
      } finally {
        envd.kill();
      }
      listener.remove();
      expect(readdirSync(dir).filter((n) => n.endsWith('.sock'))).toHaveLength(0);
    } finally {
      sockets.close();
    }
  });
});

describe('makeDirs: each missing level tried once', () => {
  it('makes the missing folders of a path and reports them, parents first', async () => {
    const made = await makeDirs(join(base, 'a/b/c'));
    expect(made).toEqual([join(base, 'a'), join(base, 'a/b'), join(base, 'a/b/c')]);
    expect(await makeDirs(join(base, 'a/b/c'))).toEqual([]);
  });

  it('fails at once on a pseudo file system, and through a file', async () => {
    await expect(makeDirs('/proc/e2bts-x/y')).rejects.toMatchObject({ code: expect.stringMatching(/ENOENT|EACCES|EPERM/) });
    write(join(base, 'file'), 'x');
    await expect(makeDirs(join(base, 'file/sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
