/**
 * Acceptance (issue 14): `e2b-ts volume …` end to end — the built CLI as a subprocess against a
 * real local backend: create → cp a folder of 1,000 files in and back out, compared file by file
 * → mount into two sandboxes (`sandbox create --volume`) → rm; hostile content planted by
 * sandbox root (symlinks to the host, `..` names) never escapes on download or inside a sandbox;
 * bad input gets its exit code (unknown volume 3, a name E2B refuses 2, removing a mounted volume
 * a clear error with nothing lost).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
let work: string;
const sandboxes: string[] = [];

const cli = (args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> =>
  runCli(['--local', ...args], {
    env: { E2B_TS_HOME: backend.home },
    timeoutMs: opts.timeoutMs ?? 120_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });

async function ok(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const res = await cli(args, opts);
  expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0);
  return res;
}

beforeAll(async () => {
  backend = await startLocalBackend();
  work = mkdtempSync(join(tmpdir(), 'e2bts-volcli-'));
});
afterAll(async () => {
  for (const id of sandboxes) await cli(['sandbox', 'kill', id]).catch(() => {});
  await backend?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every file under `root` as relative path → [mode bits, bytes]. */
function snapshot(root: string): Map<string, [number, string]> {
  const out = new Map<string, [number, string]>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path, `${rel}${name}/`);
      else out.set(`${rel}${name}`, [st.mode & 0o777, readFileSync(path).toString('base64')]);
    }
  };
  walk(root, '');
  return out;
}

describe('volume: create → cp 1,000 files in and out → mount into two sandboxes → rm', () => {
  it('round-trips a folder of 1,000 files identical file by file, shares it between sandboxes, and refuses to delete it while mounted', async () => {
    const id = (await ok(['volume', 'create', 'data'])).stdout.trim();
    expect(id).toMatch(/^\S+$/);
    const listed = await ok(['volume', 'ls', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([{ volumeId: id, name: 'data' }]);
    const info = await ok(['volume', 'info', 'data', '--json']);
    expect(JSON.parse(info.stdout)).toEqual({ volumeId: id, name: 'data' });
    // no JWT (a token) in anything printed
    expect(listed.stdout + listed.stderr + info.stdout + info.stderr).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);

    // 1,000 files in 10 folders, sizes 0..~4 KiB, a few modes
    const tree = join(work, 'tree');
    for (let d = 0; d < 10; d++) {
      mkdirSync(join(tree, `d${d}`, 'sub'), { recursive: true });
      for (let f = 0; f < 100; f++) {
        const path = join(tree, `d${d}`, f % 10 === 0 ? 'sub' : '', `f${f}.bin`);
        writeFileSync(path, randomBytes(((d * 100 + f) * 4) % 4099));
        chmodSync(path, [0o644, 0o600, 0o755, 0o640][f % 4]);
      }
    }
    const up = await ok(['volume', 'cp', tree, 'data:/tree', '--json'], { timeoutMs: 600_000 });
    expect(JSON.parse(up.stdout)).toMatchObject({ files: 1000, refused: [] });
    const out = join(work, 'out');
    mkdirSync(out);
    const down = await ok(['volume', 'cp', 'data:/tree', out, '--json'], { timeoutMs: 600_000 });
    expect(JSON.parse(down.stdout)).toMatchObject({ files: 1000, refused: [] });
    const before = snapshot(tree);
    const after = snapshot(join(out, 'tree'));
    expect(after.size).toBe(1000);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [path, value] of before) expect(after.get(path), path).toEqual(value);
    // no temporaries left on either side
    expect(readdirSync(out)).toEqual(['tree']);
    expect((await ok(['volume', 'ls', 'data:/tree/d0'])).stdout).not.toContain('.e2b-ts-');

    // file verbs
    await ok(['volume', 'mkdir', '-p', 'data:/notes/today']);
    await ok(['volume', 'write', 'data:/notes/today/a.txt'], { input: 'written from stdin\n' });
    expect((await ok(['volume', 'cat', 'data:/notes/today/a.txt'])).stdout).toBe('written from stdin\n');
    expect((await ok(['volume', 'ls', 'data:/notes', '--depth', '2'])).stdout).toBe('/notes/today/\n/notes/today/a.txt\n');
    expect(JSON.parse((await ok(['volume', 'info', 'data:/notes/today/a.txt', '--json'])).stdout)).toMatchObject({ type: 'file', size: 19 });

    // two sandboxes mount it
    const first = (await ok(['sandbox', 'create', '--volume', 'data:/mnt/data'])).stdout.trim();
    sandboxes.push(first);
    const second = (await ok(['sandbox', 'create', '--volume', 'data:/data', '--volume', 'data:/also'])).stdout.trim();
    sandboxes.push(second);
    const sample = readFileSync(join(tree, 'd3', 'f42.bin')).toString('hex');
    expect((await ok(['exec', first, '--', 'sh', '-c', 'od -An -v -tx1 /mnt/data/tree/d3/f42.bin | tr -d " \\n"'])).stdout).toBe(sample);
    await ok(['exec', second, '--', 'sh', '-c', 'echo "hello from second" > /data/notes/from-second.txt']);
    expect((await ok(['exec', first, '--', 'cat', '/mnt/data/notes/from-second.txt'])).stdout).toBe('hello from second\n');
    expect((await ok(['volume', 'cat', 'data:/notes/from-second.txt'])).stdout).toBe('hello from second\n');

    // removing a mounted volume: a clear error, nothing lost
    const refused = await cli(['volume', 'rm', 'data', '-y']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/mounted by sandbox/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect((await ok(['volume', 'cat', 'data:/notes/today/a.txt'])).stdout).toBe('written from stdin\n');

    // kept across a sandbox kill
    await ok(['sandbox', 'kill', first]);
    expect((await ok(['exec', second, '--', 'cat', '/also/notes/today/a.txt'])).stdout).toBe('written from stdin\n');
    await ok(['sandbox', 'kill', second]);
    await ok(['volume', 'rm', 'data', '-y']);
    expect(JSON.parse((await ok(['volume', 'ls', '--json'])).stdout)).toEqual([]);
    expect((await cli(['volume', 'info', 'data'])).code).toBe(3);
  }, 900_000);
});

describe('hostile content in a volume', () => {
  it('a folder deeper than one listing goes (70 levels) comes back whole', async () => {
    await ok(['volume', 'create', 'deep']);
    const local = join(work, 'deep-in');
    const rel = Array.from({ length: 70 }, (_, i) => `d${i}`).join('/');
    mkdirSync(join(local, rel), { recursive: true });
    writeFileSync(join(local, rel, 'bottom.txt'), 'at the bottom\n');
    writeFileSync(join(local, 'top.txt'), 'at the top\n');
    await ok(['volume', 'cp', local, 'deep:/tree']);
    const back = join(work, 'deep-out');
    await ok(['volume', 'cp', 'deep:/tree', back]);
    expect(readFileSync(join(back, rel, 'bottom.txt'), 'utf8')).toBe('at the bottom\n');
    expect(readFileSync(join(back, 'top.txt'), 'utf8')).toBe('at the top\n');
    await ok(['volume', 'rm', '-y', 'deep']);
  });

  it('symlinks to the host and escaping names planted by sandbox root never escape on download or inside another sandbox', async () => {
    await ok(['volume', 'create', 'hostile']);
    const hostDir = mkdtempSync(join(tmpdir(), 'e2bts-host-'));
    writeFileSync(join(hostDir, 'secret.txt'), 'HOST-SECRET');
    const attacker = (await ok(['sandbox', 'create', '--volume', 'hostile:/v'])).stdout.trim();
    sandboxes.push(attacker);
    const plant = await cli([
      'exec',
      '--user',
      'root',
      attacker,
      '--',
      'sh',
      '-c',
      [
        `ln -s ${hostDir}/secret.txt /v/host-link`,
        `ln -s ${hostDir} /v/host-dir`,
        'ln -s /etc /v/etc-link',
        'mkdir -p /v/evil && ln -s ../../../../../../../.. /v/evil/up',
        'echo fine > /v/evil/ok.txt',
      ].join(' && '),
    ]);
    expect(plant.code, plant.stderr).toBe(0);

    // reading through the links: refused, nothing of the host
    for (const path of ['hostile:/host-link', 'hostile:/host-dir/secret.txt', 'hostile:/evil/up/etc/hostname']) {
      const res = await cli(['volume', 'cat', path]);
      expect(res.code, path).not.toBe(0);
      expect(res.stdout + res.stderr, path).not.toContain('HOST-SECRET');
      expect(res.stderr.trim().split('\n'), path).toHaveLength(1);
    }

    // a download copies the real files, creates no symlink, and writes nothing outside
    const dest = join(work, 'hostile-out');
    mkdirSync(dest);
    const down = await cli(['volume', 'cp', 'hostile:/', dest]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/not copied/);
    const got = join(dest, 'hostile');
    expect(readFileSync(join(got, 'evil', 'ok.txt'), 'utf8')).toBe('fine\n');
    for (const name of ['host-link', 'host-dir', 'etc-link']) expect(existsSync(join(got, name)), name).toBe(false);
    expect(existsSync(join(got, 'evil', 'up'))).toBe(false);
    expect(readdirSync(hostDir)).toEqual(['secret.txt']);

    // `..` in a volume path is refused as bad input
    const up = await cli(['volume', 'write', 'hostile:/../../escape.txt'], { input: 'x' });
    expect(up.code).toBe(2);
    expect(existsSync(join(backend.home, 'escape.txt'))).toBe(false);

    // inside another sandbox the links resolve in that sandbox, never to the host's files
    const victim = (await ok(['sandbox', 'create', '--volume', 'hostile:/mnt/v'])).stdout.trim();
    sandboxes.push(victim);
    const read = await cli(['exec', victim, '--', 'sh', '-c', 'cat /mnt/v/host-link; cat /mnt/v/host-dir/secret.txt; ls /mnt/v/host-dir; true']);
    expect(read.stdout + read.stderr).not.toContain('HOST-SECRET');
    // and the volume's own folder is all it sees of the state root
    const state = await cli(['exec', victim, '--', 'sh', '-c', `ls ${backend.home} 2>&1; ls /mnt/v`]);
    expect(state.stdout).not.toContain('api-key');
    expect(state.stdout).not.toContain('volume.json');
    rmSync(hostDir, { recursive: true, force: true });
  }, 300_000);
});

describe('bad input', () => {
  it('an unknown volume exits 3, a name E2B refuses 2, a missing confirmation 2, a bad --volume 2', async () => {
    for (const args of [
      ['volume', 'info', 'nosuch'],
      ['volume', 'cat', 'nosuch:/x'],
      ['volume', 'ls', 'nosuch:/'],
      ['volume', 'rm', 'nosuch', '-y'],
      ['sandbox', 'create', '--volume', 'nosuch:/mnt'],
      ['run', '--volume', 'nosuch:/mnt', '--', 'true'],
    ]) {
      const res = await cli(args);
      expect(res.code, args.join(' ')).toBe(3);
      expect(res.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    await ok(['volume', 'create', 'checks']);
    expect((await cli(['volume', 'cat', 'checks:/no/such/file'])).code).toBe(3);
    for (const args of [
      ['volume', 'create', 'has space'],
      ['volume', 'create', 'dot.ted'],
      ['volume', 'rm', 'checks'],
      ['sandbox', 'create', '--volume', 'checks'],
      ['sandbox', 'create', '--volume', 'checks:relative'],
      ['sandbox', 'create', '--volume', 'bad name:/x'],
      ['volume', 'cp', './a', './b'],
    ]) {
      const res = await cli(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    const taken = await cli(['volume', 'create', 'checks']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already exists/);
    // no sandbox was made for the refused creates
    expect(
      JSON.parse((await ok(['sandbox', 'ls', '--json'])).stdout).filter((s: { metadata?: Record<string, string> }) => s.metadata?.['e2b-ts'] === 'run'),
    ).toEqual([]);
    // the refused rm left it there
    expect(JSON.parse((await ok(['volume', 'ls', '--json'])).stdout).map((v: { name: string }) => v.name)).toContain('checks');
  }, 120_000);
});
