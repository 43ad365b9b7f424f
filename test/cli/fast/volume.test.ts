/**
 * `volume` verbs without a backend: flags through each builder's run seam ("options"), and the
 * run logic against the fake API's volume routes and content API ("run").
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catCommand } from '../../../src/cli/commands/volume/cat.js';
import { cpCommand } from '../../../src/cli/commands/volume/cp.js';
import { createCommand } from '../../../src/cli/commands/volume/create.js';
import { infoCommand } from '../../../src/cli/commands/volume/info.js';
import { lsCommand } from '../../../src/cli/commands/volume/ls.js';
import { mkdirCommand } from '../../../src/cli/commands/volume/mkdir.js';
import { rmCommand } from '../../../src/cli/commands/volume/rm.js';
import { writeCommand } from '../../../src/cli/commands/volume/write.js';
import { fakeCli, type FakeCli } from '../../helpers/fakes/cli.js';
import { parsed, refusal } from '../../helpers/fakes/parsed.js';

let cli: FakeCli;
let dir: string;
beforeEach(() => {
  cli = fakeCli();
  dir = mkdtempSync(join(tmpdir(), 'e2b-ts-fast-volume-'));
});
afterEach(async () => {
  cli.api.verify();
  await cli.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('volume create', () => {
  it('options: a name E2B accepts', async () => {
    expect(await parsed(createCommand, ['my_vol-1'])).toEqual({ name: 'my_vol-1' });
    expect(await refusal(createCommand, ['has space'])).toEqual({ code: 2, message: 'invalid volume name "has space": use letters, digits, "_" and "-"' });
  });

  it('run: prints the ID; JSON never shows the token', async () => {
    const res = await cli.run(['volume', 'create', 'data', '--json']);
    expect(JSON.parse(res.stdout)).toEqual({ volumeId: 'vol-1', name: 'data' });
    expect(res.stdout).not.toContain('volume-token-secret');
    expect((await cli.run(['volume', 'create', 'more'])).stdout).toBe('vol-2\n');
  });
});

describe('volume ls', () => {
  it('options: a location, -l, --depth', async () => {
    expect(await parsed(lsCommand, [])).toEqual({ long: false, depth: 1 });
    expect(await parsed(lsCommand, ['data:x', '-l', '--depth', '3'])).toEqual({ location: { volume: 'data', path: '/x' }, long: true, depth: 3 });
    expect((await refusal(lsCommand, ['data:/', '--depth', 'deep'])).code).toBe(2);
  });

  it('run: the volumes, or the entries of a path (folders end with /); unknown volume: 3', async () => {
    expect(await cli.run(['volume', 'ls'], { tty: true })).toMatchObject({ code: 0, stdout: '', stderr: 'No volumes.\n' });
    cli.api.addVolume('data', { '/a.txt': 'aaa', '/sub/': '' });
    expect((await cli.run(['volume', 'ls'])).stdout).toBe('vol-1\tdata\n');
    expect((await cli.run(['volume', 'ls', 'data:/'])).stdout).toBe('/a.txt\n/sub/\n');
    expect(JSON.parse((await cli.run(['volume', 'ls', 'data:/', '--json'])).stdout)[0]).toMatchObject({ path: '/a.txt', type: 'file', size: 3 });
    expect((await cli.run(['volume', 'ls', 'nope:/'])).code).toBe(3);
  });
});

describe('volume info', () => {
  it('options: a volume, or VOLUME:PATH', async () => {
    expect(await parsed(infoCommand, ['data'])).toEqual({ volume: 'data' });
    expect(await parsed(infoCommand, ['data:/a.txt'])).toEqual({ volume: 'data', path: '/a.txt' });
  });

  it("run: ID and name, or a path's details; a missing path: 3", async () => {
    cli.api.addVolume('data', { '/a.txt': 'aaa' });
    expect((await cli.run(['volume', 'info', 'data'])).stdout).toBe('ID\tvol-1\nName\tdata\n');
    expect((await cli.run(['volume', 'info', 'data:/a.txt'])).stdout).toContain('Size\t3\nMode\t0644\n');
    expect((await cli.run(['volume', 'info', 'data:/b.txt'])).code).toBe(3);
  });
});

describe('volume rm', () => {
  it('options: targets and -r', async () => {
    expect(await parsed(rmCommand, ['-r', 'data:/cache', 'data:/tmp'])).toEqual({ targets: ['data:/cache', 'data:/tmp'], recursive: true });
  });

  it('run: volumes go after a yes (or -y); paths need -r for folders; volumes and paths together are refused', async () => {
    cli.api.addVolume('data', { '/a.txt': 'a', '/sub/': '' });
    expect((await cli.run(['volume', 'rm', 'data'])).stderr).toMatch(/without confirmation: add -y\/--yes/);
    expect((await cli.run(['volume', 'rm', 'data'], { tty: true, prompts: [{ confirm: /Delete data with all files\?/, answer: false }] })).code).toBe(130);
    expect(await cli.run(['volume', 'rm', 'data:/sub'])).toMatchObject({
      code: 2,
      stderr: 'error: data:/sub is a folder: add -r to remove it with its contents\n',
    });
    expect((await cli.run(['volume', 'rm', 'data:/a.txt'])).code).toBe(0);
    expect([...cli.api.volumes.get('vol-1')!.entries.keys()]).toEqual(['/', '/sub']);
    expect((await cli.run(['volume', 'rm', 'data', 'data:/sub'])).stderr).toBe('error: give volumes or VOLUME:PATH paths, not both\n');
    expect(JSON.parse((await cli.run(['volume', 'rm', 'data', '-y', '--json'])).stdout)).toEqual({ deleted: [{ volumeId: 'vol-1', name: 'data' }] });
    expect(cli.api.volumes.size).toBe(0);
  });
});

describe('volume cp', () => {
  it('options: source and destination', async () => {
    expect(await parsed(cpCommand, ['./d', 'data:/d'])).toEqual({ source: './d', destination: 'data:/d' });
    expect((await refusal(cpCommand, ['./d'])).code).toBe(2);
  });

  it('run: uploads (read back and verified) and downloads a file; exactly one side is a volume', async () => {
    cli.api.addVolume('data');
    writeFileSync(join(dir, 'in.txt'), 'payload');
    const up = await cli.run(['volume', 'cp', join(dir, 'in.txt'), 'data:/in.txt', '--json']);
    expect(up.stderr).toBe('');
    expect(JSON.parse(up.stdout)).toEqual({ source: join(dir, 'in.txt'), destination: 'data:/in.txt', files: 1, bytes: 7, refused: [] });
    expect(cli.api.volumes.get('vol-1')!.entries.get('/in.txt')!.content.toString()).toBe('payload');
    expect((await cli.run(['volume', 'cp', 'data:/in.txt', join(dir, 'out.txt')])).code).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('payload');
    expect((await cli.run(['volume', 'cp', join(dir, 'in.txt'), join(dir, 'x.txt')])).code).toBe(2);
  });
});

describe('volume cat', () => {
  it('options: VOLUME:PATH', async () => {
    expect(await parsed(catCommand, ['data:a.txt'])).toEqual({ volume: 'data', path: '/a.txt' });
    expect((await refusal(catCommand, ['nocolon'])).code).toBe(2);
  });

  it('run: the bytes; a missing file: 3', async () => {
    cli.api.addVolume('data', { '/a.txt': 'bytes\x00here' });
    expect((await cli.run(['volume', 'cat', 'data:/a.txt'])).stdout).toBe('bytes\x00here');
    expect((await cli.run(['volume', 'cat', 'data:/b.txt'])).code).toBe(3);
  });
});

describe('volume write', () => {
  it('options: VOLUME:PATH', async () => {
    expect(await parsed(writeCommand, ['data:/w.txt'])).toEqual({ volume: 'data', path: '/w.txt' });
  });

  it('run: stdin becomes the file; a terminal stdin is refused', async () => {
    cli.api.addVolume('data');
    expect(JSON.parse((await cli.run(['volume', 'write', 'data:/w.txt', '--json'], { input: 'written' })).stdout)).toMatchObject({ path: '/w.txt', size: 7 });
    expect(cli.api.volumes.get('vol-1')!.entries.get('/w.txt')!.content.toString()).toBe('written');
    expect((await cli.run(['volume', 'write', 'data:/w.txt'], { tty: true })).code).toBe(2);
  });
});

describe('volume mkdir', () => {
  it('options: -p', async () => {
    expect(await parsed(mkdirCommand, ['data:a/b', '-p'])).toEqual({ volume: 'data', path: '/a/b', parents: true });
  });

  it('run: creates the folder (force with -p); JSON is its stat', async () => {
    cli.api.addVolume('data');
    expect(JSON.parse((await cli.run(['volume', 'mkdir', 'data:/new', '--json'])).stdout)).toMatchObject({ path: '/new', type: 'directory' });
    expect(cli.api.calls('POST', '/volumecontent/vol-1/dir').at(-1)!.query.get('force')).toBe('false');
    expect((await cli.run(['volume', 'mkdir', 'data:/new', '-p'])).code).toBe(0);
    expect(cli.api.calls('POST', '/volumecontent/vol-1/dir').at(-1)!.query.get('force')).toBe('true');
  });
});
