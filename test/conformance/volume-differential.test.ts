/**
 * Differential: our client's `Volume` and the official SDK's run the same transcript (every
 * control-plane and content call, and the errors) against one local backend and must give the
 * same results; both must also match what E2B gives (volume-scenarios.ts). Our `Volume` is
 * configured with explicit options from `e2b-ts local env`, the SDK through process.env.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import type { LocalBackend } from '../helpers/local-backend.js';
import { startLocalEnv, type LocalEnv } from './sandbox-scenarios.js';
import { expectedTranscript, sdkVolumes, volumeTranscript, type VolumeApi, type VolumeHandle } from './volume-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;

beforeAll(async () => ({ backend, env } = await startLocalEnv()));
afterAll(async () => {
  await backend?.dispose();
});

function ourVolumes(): VolumeApi {
  const opts = { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, volumeApiUrl: env.E2B_VOLUME_API_URL };
  return {
    label: 'e2b-ts client',
    errors: { VolumeError: ours.VolumeError, VolumeNotFoundError: ours.VolumeNotFoundError, VolumePathNotFoundError: ours.VolumePathNotFoundError },
    create: async (name) => (await ours.Volume.create(name, opts)) as unknown as VolumeHandle,
    connect: async (id) => (await ours.Volume.connect(id, opts)) as unknown as VolumeHandle,
    list: () => ours.Volume.list(opts),
    getInfo: (id) => ours.Volume.getInfo(id, opts),
    destroy: (id) => ours.Volume.destroy(id, opts),
  };
}

describe('Volume: our client and the official SDK', () => {
  it('give the same transcript of every call, and the one E2B gives', async () => {
    const sdk = await volumeTranscript(sdkVolumes, 'diff-sdk');
    const mine = await volumeTranscript(ourVolumes(), 'diff-ours');
    expect(mine).toEqual(expectedTranscript('diff-ours'));
    expect(JSON.stringify(mine).replaceAll('diff-ours', 'NAME')).toBe(JSON.stringify(sdk).replaceAll('diff-sdk', 'NAME'));
  });

  it('our Volume never shows its token in JSON, and Sandbox.create takes a Volume or a name in volumeMounts', async () => {
    const opts = { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, volumeApiUrl: env.E2B_VOLUME_API_URL };
    const volume = await ours.Volume.create('diff-mounts', opts);
    expect(typeof volume.token).toBe('string');
    expect(JSON.stringify(volume)).not.toContain(volume.token);
    expect(JSON.parse(JSON.stringify(volume))).toEqual({ volumeId: volume.volumeId, name: 'diff-mounts' });
    const conn = { apiKey: env.E2B_API_KEY, apiUrl: env.E2B_API_URL, sandboxUrl: env.E2B_SANDBOX_URL };
    const sandbox = await ours.Sandbox.create('base', { ...conn, volumeMounts: { '/mnt/a': volume, '/mnt/b': 'diff-mounts' } });
    try {
      await sandbox.commands.run('echo both > /mnt/a/f.txt');
      expect((await sandbox.commands.run('cat /mnt/b/f.txt')).stdout).toBe('both\n');
      expect(await volume.readFile('/f.txt')).toBe('both\n');
      expect((await sandbox.getInfo()).volumeMounts).toEqual([
        { name: 'diff-mounts', path: '/mnt/a' },
        { name: 'diff-mounts', path: '/mnt/b' },
      ]);
      const refused = await ours.Volume.destroy(volume.volumeId, opts).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ours.VolumeError);
      expect((refused as ours.VolumeError).status).toBe(409);
    } finally {
      await sandbox.kill();
    }
    expect(await ours.Volume.destroy(volume.volumeId, opts)).toBe(true);
  });
});
