/**
 * Small pure parts of the limits: the start-up line's summary, and finding a sandbox folder's
 * mounts in a mount table (octal escapes, deepest first, nothing outside the folder).
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { limitsSummary } from '../../src/local/daemon/server.js';
import { mountsUnder, writableRoot } from '../../src/local/runtime/disk.js';

describe('start-up line', () => {
  it('says which limits are enforced and which are not', () => {
    const on = (kind: 'cpu' | 'memory' | 'pids' | 'disk') => ({ kind, enforced: true, detail: 'x' });
    const off = (kind: 'cpu' | 'memory' | 'pids' | 'disk') => ({ kind, enforced: false, detail: 'y' });
    expect(limitsSummary([on('cpu'), on('memory'), on('pids'), on('disk')])).toBe('limits: cpu, memory, pids, disk enforced');
    expect(limitsSummary([on('cpu'), on('memory'), on('pids'), off('disk')])).toBe('limits: cpu, memory, pids enforced; NOT enforced: disk');
    expect(limitsSummary([off('cpu'), off('memory'), off('pids'), off('disk')])).toBe('limits: NOT enforced: cpu, memory, pids, disk');
  });
});

describe('mounts of a sandbox folder', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'e2bts-mounts-')));
  const dir = join(base, 'sandboxes', 'ab cd');
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const escaped = dir.replace(/ /g, '\\040');
  const table = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
    `901 22 7:3 / ${escaped}/rw rw,nosuid,nodev shared:400 - ext4 /dev/loop3 rw`,
    `902 22 7:3 /fs ${escaped}/fs rw,nosuid,nodev shared:400 - ext4 /dev/loop3 rw`,
    `903 22 7:3 /run ${escaped}/run rw,nosuid,nodev shared:400 - ext4 /dev/loop3 rw`,
    `904 22 7:4 / ${escaped}x/rw rw - ext4 /dev/loop4 rw`,
    `905 902 0:50 / ${escaped}/fs/deep/er rw - tmpfs tmpfs rw`,
  ].join('\n');

  it("lists the folder's mounts, deepest first, and not a neighbour whose name starts the same", () => {
    const found = mountsUnder(dir, table);
    expect(found[0]).toBe(join(dir, 'fs', 'deep', 'er'));
    expect(found.slice(1).sort()).toEqual([join(dir, 'fs'), join(dir, 'run'), join(dir, 'rw')]);
    expect(mountsUnder(join(base, 'sandboxes'), table)).toHaveLength(5);
    expect(mountsUnder(join(base, 'nothing-here'), table)).toEqual([]);
  });

  it('the writable root is rw/ in the sandbox folder', () => {
    expect(writableRoot(dir)).toBe(join(dir, 'rw'));
  });
});
