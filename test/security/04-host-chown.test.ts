/**
 * Chain 4 of the security issue: root in a sandbox replaced /home/user with a symlink to a host
 * folder; whenever the daemon prepared the sandbox's folders again (resume after a pause without
 * memory, any resume after a daemon restart, a sandbox created from a snapshot of it) it chowned
 * the host folder to uid 1000. Written as the attack, against a root-owned host folder.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/index.js';
import { connection, createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

let backend: LocalBackend;
const victims: string[] = [];

/** A host folder as root would have it: owned by the daemon's user, 0750. */
function hostFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'e2bts-victim-'));
  chmodSync(dir, 0o750);
  victims.push(dir);
  return dir;
}

const ownerAndMode = (path: string) => {
  const st = statSync(path);
  return { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 };
};

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${backend.url}${path}`, {
    method,
    headers: { 'X-API-Key': backend.apiKey, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The attack: /home/user becomes a symlink to `target`, a folder of the host. */
async function plantHomeLink(sandbox: Sandbox, target: string): Promise<void> {
  const res = await run(sandbox, `mv /home/user /home/user.old && ln -s ${target} /home/user && readlink /home/user`);
  expect(res.stdout.trim()).toBe(target);
}

beforeAll(async () => {
  backend = await startLocalBackend();
});
afterAll(async () => {
  await backend?.dispose();
  for (const dir of victims) rmSync(dir, { recursive: true, force: true });
});

describe('chain 4: the daemon never chowns what a sandbox points it to', () => {
  it('resume after a pause without memory leaves the host folder as it was', async () => {
    const victim = hostFolder();
    const before = ownerAndMode(victim);
    const sandbox = await createSandbox(backend);
    await plantHomeLink(sandbox, victim);
    expect((await api('POST', `/sandboxes/${sandbox.sandboxId}/pause`, { memory: false })).status).toBe(204);
    expect((await api('POST', `/v2/sandboxes/${sandbox.sandboxId}/connect`, { timeout: 300 })).status).toBe(201);
    expect(ownerAndMode(victim)).toEqual(before);
    // the sandbox itself still works; its /home/user is what its root made it
    expect((await run(sandbox, 'readlink /home/user')).stdout.trim()).toBe(victim);
  });

  it('a sandbox created from a snapshot of it leaves the host folder as it was', async () => {
    const victim = hostFolder();
    const before = ownerAndMode(victim);
    const sandbox = await createSandbox(backend);
    await plantHomeLink(sandbox, victim);
    const snapshot = await sandbox.createSnapshot();
    const child = await Sandbox.create(snapshot.snapshotId, { ...connection(backend), timeoutMs: 300_000 });
    expect(ownerAndMode(victim)).toEqual(before);
    expect((await run(child, 'readlink /home/user')).stdout.trim()).toBe(victim);
  });

  it('resume after a daemon restart leaves the host folder as it was', async () => {
    const victim = hostFolder();
    const before = ownerAndMode(victim);
    const sandbox = await createSandbox(backend);
    await plantHomeLink(sandbox, victim);
    await backend.restart();
    expect((await api('POST', `/v2/sandboxes/${sandbox.sandboxId}/connect`, { timeout: 300 })).status).toBe(201);
    expect(ownerAndMode(victim)).toEqual(before);
  });

  it('symlinks a sandbox planted in its other folders are not followed on resume either', async () => {
    const victim = hostFolder();
    const before = ownerAndMode(victim);
    const sandbox = await createSandbox(backend);
    await run(
      sandbox,
      `rm -rf /var/tmp /var/log && ln -s ${victim} /var/tmp && ln -s ${victim} /var/log && ln -s ${victim} /tmp/link && ln -s ${victim} /root/link`,
    );
    expect((await api('POST', `/sandboxes/${sandbox.sandboxId}/pause`, { memory: false })).status).toBe(204);
    expect((await api('POST', `/v2/sandboxes/${sandbox.sandboxId}/connect`, { timeout: 300 })).status).toBe(201);
    const snapshot = await sandbox.createSnapshot();
    await Sandbox.create(snapshot.snapshotId, { ...connection(backend), timeoutMs: 300_000 });
    expect(ownerAndMode(victim)).toEqual(before);
  });
});
