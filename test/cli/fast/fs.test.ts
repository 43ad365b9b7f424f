/**
 * `fs` verbs without a backend: flags through each builder's run seam ("options"), and the run
 * logic against the fake API and envd ("run"): files through envd's Filesystem service and its
 * `/files` route, what is printed, and the exit code of each failure.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catCommand } from '../../../src/cli/commands/fs/cat.js';
import { cpCommand } from '../../../src/cli/commands/fs/cp.js';
import { lsCommand } from '../../../src/cli/commands/fs/ls.js';
import { mkdirCommand } from '../../../src/cli/commands/fs/mkdir.js';
import { mvCommand } from '../../../src/cli/commands/fs/mv.js';
import { rmCommand } from '../../../src/cli/commands/fs/rm.js';
import { statCommand } from '../../../src/cli/commands/fs/stat.js';
import { urlCommand } from '../../../src/cli/commands/fs/url.js';
import { watchCommand } from '../../../src/cli/commands/fs/watch.js';
import { writeCommand } from '../../../src/cli/commands/fs/write.js';
import { main } from '../../../src/cli/main.js';
import { fakeCli, type FakeCli } from '../../helpers/fakes/cli.js';
import { resolvePath, type FakeSandboxEnvd, type StartCall } from '../../helpers/fakes/envd.js';
import { parsed, refusal } from '../../helpers/fakes/parsed.js';

let cli: FakeCli;
let envd: FakeSandboxEnvd;
let dir: string;
beforeEach(() => {
  cli = fakeCli();
  cli.api.addSandbox();
  envd = cli.envd.sandbox(ID);
  dir = mkdtempSync(join(tmpdir(), 'e2b-ts-fast-fs-'));
});
afterEach(async () => {
  cli.api.verify();
  await cli.close();
  rmSync(dir, { recursive: true, force: true });
});

const ID = 'isbx0000000000000001';

/**
 * The sandbox's side of `fs cp`'s verification: no python3 (so no hashing while uploading),
 * `chmod`, and the digest script's "<sha256> <size> <name>\0" records computed from the fake's files.
 */
function copyTools(state: FakeSandboxEnvd) {
  return (call: StartCall) => {
    const [program, , script, , a, b] = call.argv;
    if (program === 'chmod') return {};
    if (program === 'sh' && script?.includes('python3 -c "$PY" "$1" "$2"')) return { exitCode: 97 };
    if (program === 'sh' && a !== undefined && b !== undefined) {
      const file = state.files.get(posix.join(resolvePath(a, call.user), b));
      if (!file) return { exitCode: 1, stderr: 'no such file' };
      return { stdout: `${createHash('sha256').update(file.content).digest('hex')} ${file.content.length} ${b}\0` };
    }
    return { exitCode: 127, stderr: `${program}: not in the fake` };
  };
}

describe('fs cp', () => {
  it('options: sources, then the destination', async () => {
    expect(await parsed(cpCommand, ['./a', `${ID}:/tmp/`, '--user', 'root', '--parallel', '4'])).toEqual({
      sources: [{ kind: 'local', path: './a' }],
      destination: { kind: 'sandbox', sandboxId: ID, path: '/tmp/' },
      user: 'root',
      parallel: 4,
    });
    expect(await parsed(cpCommand, ['-', `${ID}:x`])).toMatchObject({ sources: [{ kind: 'stdio' }], parallel: 1 });
    expect((await refusal(cpCommand, ['./only'])).message).toBe('fs cp needs a source and a destination');
    expect((await refusal(cpCommand, ['a', 'b', '--parallel', '0'])).code).toBe(2);
    // issue 17: what becomes of symlinks where they cannot be made
    expect(await parsed(cpCommand, [`${ID}:/app`, './app', '--links', 'copy'])).toMatchObject({ links: 'copy' });
    expect(await parsed(cpCommand, [`${ID}:/app`, './app'])).not.toHaveProperty('links');
    const bad = await refusal(cpCommand, [`${ID}:/app`, './app', '--links', 'follow']);
    expect(bad.code).toBe(2);
    expect(bad.message).toMatch(/Allowed choices are auto, copy, skip, fail/);
  });

  it('run: uploads a file under a temporary name, verifies it, renames it into place', async () => {
    envd.onStart = copyTools(envd);
    writeFileSync(join(dir, 'report.txt'), 'quarterly numbers');
    const res = await cli.run(['fs', 'cp', join(dir, 'report.txt'), `${ID}:/tmp/`, '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([{ source: join(dir, 'report.txt'), destination: `${ID}:/tmp/report.txt`, files: 1, bytes: 17, refused: [] }]);
    expect(envd.read('/tmp/report.txt')).toBe('quarterly numbers');
    expect([...envd.files.keys()].filter((p) => p.startsWith('/tmp/'))).toEqual(['/tmp/report.txt']);
  });

  it('run: downloads a file; a missing source exits 3', async () => {
    envd.onStart = copyTools(envd);
    envd.put({ '/home/user/data.csv': 'a,b\n1,2\n' });
    const res = await cli.run(['fs', 'cp', `${ID}:data.csv`, join(dir, 'out.csv')]);
    expect(res).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect((await cli.run(['fs', 'cp', `${ID}:nope.csv`, join(dir, 'x')])).code).toBe(3);
  });
});

describe('fs ls', () => {
  it('options: -l, --depth, --user', async () => {
    expect(await parsed(lsCommand, [`${ID}:/tmp`])).toEqual({ sandboxId: ID, path: '/tmp', long: false, depth: 1 });
    expect(await parsed(lsCommand, [`${ID}:src`, '-l', '--depth', '2', '--user', 'root'])).toEqual({
      sandboxId: ID,
      path: 'src',
      long: true,
      depth: 2,
      user: 'root',
    });
    expect((await refusal(lsCommand, ['/local/path'])).code).toBe(2);
    expect((await refusal(lsCommand, [`${ID}:/`, '--depth', '65'])).code).toBe(2);
  });

  it("run: one path per line, -l rows, JSON; relative paths in the user's home; missing folder: 3", async () => {
    envd.put({ '/home/user/a.txt': 'hello', '/home/user/src/': '', '/root/secret': 'x' });
    expect((await cli.run(['fs', 'ls', `${ID}:.`])).stdout).toBe('/home/user/a.txt\n/home/user/src\n');
    expect((await cli.run(['fs', 'ls', `${ID}:~`, '--user', 'root'])).stdout).toBe('/root/secret\n');
    expect((await cli.run(['fs', 'ls', `${ID}:/home/user`, '-l'])).stdout).toBe(
      '-644\tuser\tuser\t5\t2026-01-02T03:04:05.000Z\t/home/user/a.txt\nd755\tuser\tuser\t0\t2026-01-02T03:04:05.000Z\t/home/user/src\n',
    );
    expect(JSON.parse((await cli.run(['fs', 'ls', `${ID}:/home/user`, '--json'])).stdout)[0]).toMatchObject({ name: 'a.txt', type: 'file', size: 5 });
    expect((await cli.run(['fs', 'ls', `${ID}:/nope`])).code).toBe(3);
  });
});

describe('fs stat', () => {
  it('options: location and --user', async () => {
    expect(await parsed(statCommand, [`${ID}:a.txt`, '--user', 'root'])).toEqual({ sandboxId: ID, path: 'a.txt', user: 'root' });
  });

  it('run: details, JSON; missing: exit 3 with one line', async () => {
    envd.put({ '/home/user/a.txt': 'hello' });
    expect((await cli.run(['fs', 'stat', `${ID}:a.txt`])).stdout).toBe(
      'path\t/home/user/a.txt\ntype\tfile\nsize\t5\nmode\t-644 (0644)\nowner\tuser:user\nmodified\t2026-01-02T03:04:05.000Z\n',
    );
    expect(JSON.parse((await cli.run(['fs', 'stat', `${ID}:a.txt`, '--json'])).stdout)).toMatchObject({ path: '/home/user/a.txt', type: 'file' });
    const missing = await cli.run(['fs', 'stat', `${ID}:b.txt`]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^error: [^\n]*\n$/);
  });
});

describe('fs cat', () => {
  it('options: location and --user', async () => {
    expect(await parsed(catCommand, [`${ID}:/etc/hosts`])).toEqual({ sandboxId: ID, path: '/etc/hosts' });
    expect((await refusal(catCommand, [`${ID}:a`, 'b'])).code).toBe(2);
  });

  it('run: the bytes as they are; missing file: 3; the user reaches envd', async () => {
    envd.put({ '/home/user/bin.dat': '\x00\x01\x1b[31m', '/root/r.txt': 'root only' });
    expect((await cli.run(['fs', 'cat', `${ID}:bin.dat`])).stdout).toBe('\x00\x01\x1b[31m');
    expect((await cli.run(['fs', 'cat', `${ID}:r.txt`, '--user', 'root'])).stdout).toBe('root only');
    expect((await cli.run(['fs', 'cat', `${ID}:gone.txt`])).code).toBe(3);
  });
});

describe('fs write', () => {
  it('options: location and --user', async () => {
    expect(await parsed(writeCommand, [`${ID}:out.txt`, '--user', 'root'])).toEqual({ sandboxId: ID, path: 'out.txt', user: 'root' });
  });

  it('run: stdin lands whole under the name (written under a temporary name first); a terminal stdin is refused', async () => {
    envd.put({ '/home/user/out.txt': 'old' });
    expect(await cli.run(['fs', 'write', `${ID}:out.txt`], { input: 'new content' })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(envd.read('/home/user/out.txt')).toBe('new content');
    expect([...envd.files.keys()].filter((p) => p.startsWith('/home/user/'))).toEqual(['/home/user/out.txt']);
    expect(JSON.parse((await cli.run(['fs', 'write', `${ID}:/tmp/j.txt`, '--json'], { input: 'x' })).stdout)).toMatchObject({ path: '/tmp/j.txt' });
    expect((await cli.run(['fs', 'write', `${ID}:t.txt`], { tty: true })).code).toBe(2);
  });
});

describe('fs rm', () => {
  it('options: -r, -f, several locations', async () => {
    expect(await parsed(rmCommand, [`${ID}:a`, `${ID}:b`, '-rf'])).toEqual({
      locations: [
        { sandboxId: ID, path: 'a' },
        { sandboxId: ID, path: 'b' },
      ],
      recursive: true,
      force: true,
    });
    expect((await refusal(rmCommand, [])).code).toBe(2);
  });

  it('run: files go; folders need -r; missing: 3 unless -f; / is refused', async () => {
    envd.put({ '/home/user/a.txt': 'a', '/home/user/dir/b.txt': 'b' });
    expect((await cli.run(['fs', 'rm', `${ID}:a.txt`])).code).toBe(0);
    expect(envd.files.has('/home/user/a.txt')).toBe(false);
    expect(await cli.run(['fs', 'rm', `${ID}:dir`])).toMatchObject({
      code: 2,
      stderr: `error: ${ID}:/home/user/dir is a folder; add -r to remove it and its contents\n`,
    });
    expect((await cli.run(['fs', 'rm', '-r', `${ID}:dir`])).code).toBe(0);
    expect(envd.files.has('/home/user/dir/b.txt')).toBe(false);
    expect((await cli.run(['fs', 'rm', `${ID}:gone`])).code).toBe(3);
    expect((await cli.run(['fs', 'rm', '-f', `${ID}:gone`])).code).toBe(0);
    expect((await cli.run(['fs', 'rm', '-rf', `${ID}:/`])).stderr).toMatch(/refusing to remove .*:\/ \(the whole filesystem\)/);
  });
});

describe('fs mv', () => {
  it('options: the destination may leave out the sandbox', async () => {
    expect(await parsed(mvCommand, [`${ID}:a`, 'b'])).toEqual({ sandboxId: ID, from: 'a', to: 'b' });
    expect(await parsed(mvCommand, [`${ID}:a`, `${ID}:/tmp/`, '--user', 'root'])).toEqual({ sandboxId: ID, from: 'a', to: '/tmp/', user: 'root' });
    expect((await refusal(mvCommand, [`${ID}:a`, 'iother:b'])).message).toBe('fs mv works within one sandbox; use fs cp between sandboxes');
  });

  it('run: renames, or moves into an existing folder; JSON; missing source: 3', async () => {
    envd.put({ '/home/user/a.txt': 'a', '/home/user/dir/': '' });
    expect(JSON.parse((await cli.run(['fs', 'mv', `${ID}:a.txt`, 'dir', '--json'])).stdout)).toMatchObject({ path: '/home/user/dir/a.txt' });
    expect(envd.read('/home/user/dir/a.txt')).toBe('a');
    expect((await cli.run(['fs', 'mv', `${ID}:dir/a.txt`, 'b.txt'], { tty: true })).stderr).toBe('✓ Moved to /home/user/b.txt\n');
    expect((await cli.run(['fs', 'mv', `${ID}:nope`, 'x'])).code).toBe(3);
  });
});

describe('fs mkdir', () => {
  it('options: -p and --user', async () => {
    expect(await parsed(mkdirCommand, [`${ID}:a/b`, '-p', '--user', 'root'])).toEqual({ sandboxId: ID, path: 'a/b', parents: true, user: 'root' });
  });

  it('run: creates with parents; an existing folder is an error unless -p', async () => {
    expect(JSON.parse((await cli.run(['fs', 'mkdir', `${ID}:a/b`, '--json'])).stdout)).toEqual({ path: 'a/b', created: true });
    expect(envd.files.get('/home/user/a/b')?.type).toBe('dir');
    expect(await cli.run(['fs', 'mkdir', `${ID}:a/b`])).toMatchObject({ code: 2, stderr: `error: ${ID}:a/b already exists (use -p to accept that)\n` });
    expect((await cli.run(['fs', 'mkdir', `${ID}:a/b`, '-p'])).code).toBe(0);
  });
});

describe('fs url', () => {
  it('options: --upload, --expires, --user', async () => {
    expect(await parsed(urlCommand, [`${ID}:f`, '--upload', '--expires', '10m', '--user', 'root'])).toEqual({
      sandboxId: ID,
      path: 'f',
      upload: true,
      expiresMs: 600_000,
      user: 'root',
    });
    expect((await refusal(urlCommand, [`${ID}:f`, '--expires', 'soon'])).code).toBe(2);
  });

  it('run: a plain link for an unsecured sandbox, a signed one for a secured sandbox; --expires needs secured', async () => {
    expect((await cli.run(['fs', 'url', `${ID}:/tmp/f.txt`])).stdout).toBe('https://envd.e2b.test/files?path=%2Ftmp%2Ff.txt\n');
    cli.api.addSandbox({ sandboxID: 'isecured00000000001', envdAccessToken: 'tok' });
    const signed = new URL(JSON.parse((await cli.run(['fs', 'url', 'isecured00000000001:/tmp/f.txt', '--upload', '--expires', '1m', '--json'])).stdout).url);
    expect(signed.searchParams.get('signature')).toMatch(/^v1_/);
    expect(signed.searchParams.get('signature_expiration')).toMatch(/^\d+$/);
    const refused = await cli.run(['fs', 'url', `${ID}:/tmp/f.txt`, '--expires', '1m']);
    expect(refused).toMatchObject({ code: 2, stderr: 'error: signature expiration can be used only when the sandbox is created as secured\n' });
  });
});

describe('fs watch', () => {
  it('options: -r and --user', async () => {
    expect(await parsed(watchCommand, [`${ID}:src`, '-r'])).toEqual({ sandboxId: ID, path: 'src', recursive: true });
  });

  it('run: one line per event (NDJSON with --json) until Ctrl-C (130); a missing folder: 3', async () => {
    envd.put({ '/home/user/src/': '' });
    envd.watchEvents = [
      { name: 'a.js', type: 'write' },
      { name: 'b.js', type: 'remove' },
    ];
    let abort: AbortController | undefined;
    envd.onWatched = () => abort!.abort();
    const { ctx, stdout } = cli.context({ controller: (c) => (abort = c) });
    expect(await main(['fs', 'watch', `${ID}:src`], ctx)).toBe(130);
    expect(stdout()).toBe('WRITE /home/user/src/a.js\nREMOVE /home/user/src/b.js\n');
    const second = cli.context({ controller: (c) => (abort = c) });
    expect(await main(['fs', 'watch', `${ID}:src`, '--json'], second.ctx)).toBe(130);
    expect(second.stdout().split('\n')[0]).toBe('{"type":"write","name":"a.js","path":"/home/user/src/a.js"}');
    expect((await cli.run(['fs', 'watch', `${ID}:nope`])).code).toBe(3);
  });
});
