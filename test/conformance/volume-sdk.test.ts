/**
 * Conformance: the official `e2b` SDK's `Volume`, pointed at the local backend by the values of
 * `e2b-ts local env` (E2B_API_URL, E2B_VOLUME_API_URL, ...), gets what E2B Cloud would give it:
 * create, list, getInfo, connect, destroy, every content call, its error classes; and a volume
 * mounted with `volumeMounts` is shared by sandboxes and outlives them and the daemon.
 *
 * The scenarios live in volume-scenarios.ts; our own client runs the same ones in
 * volume-differential.test.ts.
 */
import { Sandbox, Volume, VolumeError } from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../helpers/local-backend.js';
import { startLocalEnv, type LocalEnv } from './sandbox-scenarios.js';
import { defineVolumeScenarios, sdkVolumes } from './volume-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;

beforeAll(async () => ({ backend, env } = await startLocalEnv()));
afterAll(async () => {
  await backend?.dispose();
});

describe('the official SDK Volume against the local backend', () => {
  it('reads the content API URL from E2B_VOLUME_API_URL, which `local env` exports', () => {
    expect(process.env.E2B_VOLUME_API_URL).toBe(env.E2B_API_URL);
  });

  defineVolumeScenarios(() => sdkVolumes);
});

describe('volumeMounts (official SDK)', () => {
  it('a file written in one sandbox is read by a second, by Volume.readFile after the first is killed, and after a daemon restart', async () => {
    const volume = await Volume.create('shared-sdk');
    const first = await Sandbox.create({ volumeMounts: { '/mnt/data': volume } });
    const second = await Sandbox.create({ volumeMounts: { '/data': 'shared-sdk' } });
    try {
      expect((await first.getInfo()) as unknown).toBeTruthy();
      await first.commands.run('mkdir -p /mnt/data/dir && echo "from first" > /mnt/data/dir/note.txt');
      expect((await second.commands.run('cat /data/dir/note.txt')).stdout).toBe('from first\n');
      const listed = await Sandbox.list().nextItems();
      expect(listed.find((s) => s.sandboxId === first.sandboxId)?.volumeMounts).toEqual([{ name: 'shared-sdk', path: '/mnt/data' }]);

      // removing a mounted volume: a clear error, nothing lost
      const refusal = await Volume.destroy(volume.volumeId).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(VolumeError);
      expect(String((refusal as Error).message)).toMatch(/mounted by sandbox/);

      await first.kill();
      expect((await second.commands.run('cat /data/dir/note.txt')).stdout).toBe('from first\n');
      expect(await volume.readFile('/dir/note.txt')).toBe('from first\n');
      // sandbox `user` wrote it: the volume is writable by the sandbox's default user
      await second.commands.run('echo "from second" >> /data/dir/note.txt');

      // pause and resume keep the mount
      await second.pause();
      const resumed = await Sandbox.connect(second.sandboxId);
      expect((await resumed.commands.run('cat /data/dir/note.txt')).stdout).toBe('from first\nfrom second\n');

      await backend.restart();
      expect(await volume.readFile('/dir/note.txt')).toBe('from first\nfrom second\n');
      const again = await Sandbox.connect(second.sandboxId);
      expect((await again.commands.run('cat /data/dir/note.txt')).stdout).toBe('from first\nfrom second\n');
      const third = await Sandbox.create({ volumeMounts: { '/srv/v': volume } });
      expect((await third.commands.run('cat /srv/v/dir/note.txt')).stdout).toBe('from first\nfrom second\n');
      await third.kill();
      await again.kill();
      expect(await Volume.destroy(volume.volumeId)).toBe(true);
    } finally {
      await first.kill().catch(() => {});
      await second.kill().catch(() => {});
    }
  }, 240_000);

  it('refuses a mount of an unknown volume, at a reserved or relative path, or twice at one path', async () => {
    await Volume.create('mount-checks');
    const cases: Array<Record<string, string>> = [
      { '/mnt/x': 'no-such-volume' },
      { '/proc/x': 'mount-checks' },
      { 'relative/x': 'mount-checks' },
      { '/': 'mount-checks' },
      { '/a/../b': 'mount-checks' },
    ];
    for (const mounts of cases) {
      const error = await Sandbox.create({ volumeMounts: mounts }).catch((e: unknown) => e);
      expect(error, JSON.stringify(mounts)).toBeInstanceOf(Error);
      expect(String((error as Error).message), JSON.stringify(mounts)).toMatch(/volume/);
    }
  });
});
