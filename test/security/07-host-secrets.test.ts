/**
 * Chain 7 of the security issue: a sandbox's `/` was the host's `/`, read-only but readable:
 * `fs cat ID:/etc/shadow` printed the host's shadow file (the file API reads as root), and root
 * in a sandbox read every host file outside /home, /root and /tmp. Written as the attack: secrets
 * planted where a host keeps them are looked for from inside, by root and through the file API;
 * a public configuration file planted beside them must stay visible (programs need /etc).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/index.js';
import { createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

const asRoot = process.getuid?.() === 0;
if (!asRoot)
  console.warn('07-host-secrets: the planted-secret cases are skipped: planting files in /etc, /var/lib, /srv and /opt needs root (CI runs as root)');

const marker = `e2bts-secret-${randomBytes(8).toString('hex')}`;
/** What the public file holds: not the secret marker, so a search for that finds secrets only. */
const publicText = `e2bts-public-${randomBytes(8).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
/** Where a host keeps secrets, as files the test plants: path → mode. */
const planted: Array<{ path: string; mode: number; secret: boolean }> = [
  { path: `/etc/e2bts-${tag}.key`, mode: 0o600, secret: true },
  { path: `/etc/e2bts-${tag}-private/token`, mode: 0o644, secret: true }, // readable file in a 0700 folder
  { path: `/var/lib/e2bts-${tag}/db`, mode: 0o644, secret: true },
  { path: `/srv/e2bts-${tag}/data`, mode: 0o644, secret: true },
  { path: `/opt/e2bts-${tag}/config`, mode: 0o644, secret: true },
  { path: `/etc/e2bts-${tag}-public.conf`, mode: 0o644, secret: false },
];
const made: string[] = [];

let backend: LocalBackend;
let sandbox: Sandbox;

beforeAll(async () => {
  if (asRoot) {
    for (const { path, mode, secret } of planted) {
      const dir = path.slice(0, path.lastIndexOf('/'));
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true, mode: path.includes('-private/') ? 0o700 : 0o755 });
        made.push(dir);
      }
      writeFileSync(path, `${secret ? marker : publicText}\n`, { mode });
      made.push(path);
    }
  }
  backend = await startLocalBackend();
  sandbox = await createSandbox(backend);
});
afterAll(async () => {
  await backend?.dispose();
  for (const path of made.reverse()) rmSync(path, { recursive: true, force: true });
});

describe('chain 7: the host secrets and data are not in the sandbox', () => {
  it('fs cat ID:/etc/shadow (the file API reads as root) gets the sandbox its own, not the host shadow', async () => {
    const shadow = await sandbox.files.read('/etc/shadow');
    if (existsSync('/etc/shadow') && asRoot) expect(shadow).not.toBe(readFileSync('/etc/shadow', 'utf8'));
    for (const line of shadow.trim().split('\n')) expect(line, 'every account is locked').toMatch(/^[^:]+:\*:/);
    const gshadow = await sandbox.files.read('/etc/gshadow');
    if (existsSync('/etc/gshadow') && asRoot) expect(gshadow).not.toBe(readFileSync('/etc/gshadow', 'utf8'));
  });

  it.skipIf(!asRoot)('root finds none of the planted secrets, by path or by searching, and the file API cannot read them', async () => {
    for (const { path } of planted.filter((p) => p.secret)) {
      const res = await run(sandbox, `cat ${path} 2>/dev/null`);
      expect(res.stdout, path).not.toContain(marker);
      const viaApi = await sandbox.files.read(path).catch(() => '');
      expect(viaApi, `${path} through the file API`).not.toContain(marker);
    }
    const search = await run(sandbox, `grep -rls ${marker} /etc /var /srv /opt /mnt /media /root /home /tmp /run 2>/dev/null; true`);
    expect(search.stdout.trim()).toBe('');
  });

  it.skipIf(!asRoot)('positive control: a world-readable configuration file of the host is there', async () => {
    const pub = planted.find((p) => !p.secret)!;
    expect((await run(sandbox, `cat ${pub.path}`, 'user')).stdout).toContain(publicText);
  });

  it('files other users cannot read on the host are empty or unreadable in the sandbox, even for root', async () => {
    const hidden = ['/etc/ssl/private', '/etc/sudoers', '/etc/security/opasswd', '/etc/.pwd.lock'].filter((p) => existsSync(p));
    for (const path of hidden) {
      const res = await run(sandbox, `find ${path} -type f -size +0 2>/dev/null`);
      expect(res.stdout.trim(), path).toBe('');
    }
    const hostKeys = existsSync('/etc/ssh') ? readdirSync('/etc/ssh').filter((n) => n.startsWith('ssh_host_')) : [];
    for (const name of hostKeys) {
      const res = await run(sandbox, `wc -c < /etc/ssh/${name} 2>/dev/null || echo 0`);
      expect(res.stdout.trim(), `/etc/ssh/${name}`).toBe('0');
    }
  });

  it('no data tree of the host is there: /var, /srv, /opt, other top-level folders, the backend state', async () => {
    const res = await run(
      sandbox,
      `find /var/lib /srv /opt /mnt /media -mindepth 1; ls -d ${backend.home} /work /boot /old_root 2>&1 | grep -v 'No such'; true`,
    );
    expect(res.stdout.trim()).toBe('');
    const key = await run(sandbox, `cat ${join(backend.home, 'api-key')} 2>&1`);
    expect(key.stdout).not.toContain(backend.apiKey);
  });

  it('the accounts are the host system accounts plus root and user, with no person of the host', async () => {
    const passwd = await run(sandbox, 'cat /etc/passwd', 'user');
    const entries = passwd.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(':'));
    for (const [name, , uid] of entries) {
      const id = Number(uid);
      expect(id < 1000 || id === 65534 || (name === 'user' && id === 1000), `${name} (${uid})`).toBe(true);
    }
    expect(entries.find(([name]) => name === 'user')?.[2]).toBe('1000');
    expect(entries.find(([name]) => name === 'root')?.[2]).toBe('0');
  });

  it('the host identity is replaced: hostname, machine-id and hosts are the sandbox own', async () => {
    const res = await run(sandbox, 'cat /etc/hostname /etc/machine-id', 'user');
    const [hostname, machineId] = res.stdout.trim().split('\n');
    expect(hostname).toBe('e2b');
    expect(machineId).toMatch(/^[0-9a-f]{32}$/);
    if (existsSync('/etc/machine-id')) expect(machineId).not.toBe(readFileSync('/etc/machine-id', 'utf8').trim());
    const other = await createSandbox(backend);
    expect((await run(other, 'cat /etc/machine-id', 'user')).stdout.trim()).not.toBe(machineId);
  });

  it('programs still run: the shell, python3, DNS configuration and CA certificates are there', async () => {
    const res = await run(sandbox, 'bash -c "echo ok" && python3 -c "print(2+2)" && test -r /etc/resolv.conf && ls /etc/ssl/certs | head -1 | wc -l', 'user');
    expect(res.exitCode).toBe(0);
    expect(res.stdout.split('\n').slice(0, 2)).toEqual(['ok', '4']);
  });
});
