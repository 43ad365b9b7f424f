/**
 * Pure parts of volumes: the CLI's VOLUME:PATH and --volume grammars, the backend's volume path
 * rule (no `..`), its mount-point checks, and its tokens (signed, per volume, expiring).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isVolumeLocation, parseVolumeLocation, parseVolumeMounts, volumeEntryRows } from '../../src/cli/commands/volume/shared.js';
import { UsageError } from '../../src/cli/errors.js';
import { checkVolumeMounts } from '../../src/local/daemon/sandboxes.js';
import { volumePathParts } from '../../src/local/daemon/volume-content.js';
import { VolumeStore } from '../../src/local/daemon/volumes.js';
import type { Runtime } from '../../src/local/runtime/types.js';

describe('VOLUME:PATH', () => {
  it.each([
    ['data:/a/b.txt', { volume: 'data', path: '/a/b.txt' }],
    ['data:a/b.txt', { volume: 'data', path: '/a/b.txt' }],
    ['data:', { volume: 'data', path: '/' }],
    ['vol_1f:/x:y', { volume: 'vol_1f', path: '/x:y' }],
  ])('%s', (arg, want) => expect(parseVolumeLocation(arg, 'volume cat')).toEqual(want));

  it('needs a volume before the colon', () => {
    expect(() => parseVolumeLocation('/local/path', 'volume cat')).toThrow(UsageError);
    expect(() => parseVolumeLocation(':/x', 'volume cat')).toThrow(/VOLUME:PATH/);
  });

  it('tells volume locations from local paths', () => {
    expect(isVolumeLocation('data:/x')).toBe(true);
    expect(isVolumeLocation('./a:b')).toBe(false);
    expect(isVolumeLocation('/abs/a:b')).toBe(false);
    expect(isVolumeLocation('data')).toBe(false);
  });
});

describe('--volume NAME:/path', () => {
  it('maps mount paths to names', () => {
    expect(parseVolumeMounts(['data:/mnt/data', 'cache:/cache'])).toEqual({ '/mnt/data': 'data', '/cache': 'cache' });
    expect(parseVolumeMounts(undefined)).toBeUndefined();
  });
  it.each([['data'], ['data:relative'], ['bad name:/x'], [':/x']])('refuses %s', (value) => expect(() => parseVolumeMounts([value])).toThrow(UsageError));
  it('refuses two volumes at one path', () => expect(() => parseVolumeMounts(['a:/x', 'b:/x'])).toThrow(/two volumes/));
});

describe('volume paths in the content API', () => {
  it('splits and drops empty and "." parts', () => {
    expect(volumePathParts('/a//b/./c')).toEqual(['a', 'b', 'c']);
    expect(volumePathParts('/')).toEqual([]);
  });
  it.each([['..'], ['/a/../b'], ['../x'], ['a/..']])('refuses %s', (path) => expect(() => volumePathParts(path)).toThrow(/\.\./));
  it('refuses an empty path and NUL', () => {
    expect(() => volumePathParts('')).toThrow(/required/);
    expect(() => volumePathParts(null)).toThrow(/required/);
    expect(() => volumePathParts('a\0b')).toThrow(/NUL/);
  });
});

describe('mount checks', () => {
  const home = mkdtempSync(join(tmpdir(), 'e2bts-volunit-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const runtime = { name: 'bubblewrap', isolated: true, relocatable: true, mountsVolumes: true, description: '' } as unknown as Runtime;

  it('takes an existing volume at a normal absolute path; refuses the rest', async () => {
    const store = new VolumeStore(join(home, 'volumes'), join(home, 'key'));
    await store.load();
    await store.create('data');
    expect(() =>
      checkVolumeMounts(
        [
          { name: 'data', path: '/mnt/data' },
          { name: 'data', path: '/home/user/d' },
        ],
        store,
        runtime,
      ),
    ).not.toThrow();
    for (const path of ['/', '/proc', '/proc/x', '/dev/shm', '/sys', '/run/e2b', 'rel', '/a/../b', '/a/', '/a//b']) {
      expect(() => checkVolumeMounts([{ name: 'data', path }], store, runtime), path).toThrow();
    }
    expect(() => checkVolumeMounts([{ name: 'nope', path: '/x' }], store, runtime)).toThrow(/not found/);
    expect(() =>
      checkVolumeMounts(
        [
          { name: 'data', path: '/x' },
          { name: 'data', path: '/x' },
        ],
        store,
        runtime,
      ),
    ).toThrow(/two volumes/);
    expect(() => checkVolumeMounts([{ name: 'data', path: '/x' }], store, { ...runtime, mountsVolumes: false, isolated: false } as Runtime)).toThrow(
      /bubblewrap/,
    );
    expect(() => checkVolumeMounts([], undefined, { ...runtime, mountsVolumes: false } as Runtime)).not.toThrow();
  });

  it('a folder left by a create cut short (no record) is removed at load; volumes with records are kept', async () => {
    const { mkdirSync, existsSync } = await import('node:fs');
    const root = join(home, 'volumes4');
    const store = new VolumeStore(root, join(home, 'key4'));
    await store.load();
    const kept = await store.create('kept');
    mkdirSync(join(root, 'half-made', 'data'), { recursive: true });
    const again = new VolumeStore(root, join(home, 'key4'));
    await again.load();
    expect(existsSync(join(root, 'half-made'))).toBe(false);
    expect(again.all().map((v) => v.volumeID)).toEqual([kept.volumeID]);
  });

  it('tokens name one volume, are signed by the store, and expire', async () => {
    const store = new VolumeStore(join(home, 'volumes2'), join(home, 'key2'));
    await store.load();
    const a = await store.create('a');
    const b = await store.create('b');
    const now = Date.now();
    const token = store.token(a.volumeID, now);
    expect(store.verify(token, a.volumeID, now)).toBe(true);
    expect(store.verify(token, b.volumeID, now)).toBe(false);
    expect(store.verify(token, a.volumeID, now + 25 * 3600_000)).toBe(false);
    expect(store.verify(`${token}x`, a.volumeID, now)).toBe(false);
    const other = new VolumeStore(join(home, 'volumes3'), join(home, 'key3'));
    await other.load();
    expect(other.verify(token, a.volumeID, now)).toBe(false);
  });
});

describe('volume entry rows', () => {
  it('shows folders with a slash, links with their target, control characters stripped', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const base = { size: 3, mode: 0o644, uid: 1000, gid: 1000, atime: at, mtime: at, ctime: at };
    const rows = volumeEntryRows(
      [
        { ...base, name: 'd', type: 'directory', path: '/d' },
        { ...base, name: 'l', type: 'symlink', path: '/l', target: '/etc\u001b[31m' },
      ],
      { tty: false, long: false },
    );
    expect(rows).toEqual([['/d/'], [expect.stringMatching(/^\/l -> \/etc[^\u001b]*$/)]]);
  });
});
