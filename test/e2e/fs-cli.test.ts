/**
 * Acceptance (issue #5): `e2b-ts fs …` end to end — the built CLI as a subprocess against a real
 * local backend. The sandbox's files are checked on this machine, under
 * `${home}/sandboxes/<id>/fs/…`, so what the CLI reports is never the only witness.
 *
 * Runs twice (vitest.config.ts): with bubblewrap sandboxes (their own /home/user and /tmp, mapped
 * to that folder), and with E2B_TS_RUNTIME=unisolated, where a path is the host's and each
 * sandbox's home and TMPDIR are host folders under its `fs/` (test/helpers/runtime-mode.ts): so
 * every sandbox path is written from its own sandbox's home(id) or tmpOf(id), never literally.
 *
 * Covered: a 1,000-file tree (nested folders, executables, modes 0600…0755, a read-only folder,
 * symlinks to a file, a folder and nowhere, spaces and non-ASCII in names, an empty file and an
 * empty folder) round-trips local → sandbox → local identical file by file (type, mode bits,
 * bytes, link targets), also with --parallel 4; sandbox → sandbox; single binary files (6 MiB,
 * SHA-256, mode); 5,000 small files and a 300 MiB folder down and up with nothing on stderr;
 * copies into existing folders and several sources at once; overwrites that
 * replace the destination only at the end; `-` tar streams both ways through real `tar`; hostile
 * sandboxes (symlinks to /etc and `../../x` in a real tree, and a sandbox whose own `tar` emits
 * `../x`, absolute names, links out followed by files through them, hard links out, a device
 * and a set-uid file) never make a download write outside its destination; Ctrl-C during
 * uploads and downloads of files and folders exits 130 and leaves neither the destination nor a
 * `.e2bts-*` temporary behind; ls/stat/cat/write/rm/mv/mkdir/url/watch; bad input exit codes.
 *
 * Waits are polls with deadlines, never fixed sleeps.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tarStream from 'tar-stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { pollUntil, reap, spawnBash, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { cliBin } from '../helpers/paths.js';
import {
  checkRuntime,
  checkSandboxPaths,
  hostPathOf,
  markedProcesses,
  reEscape,
  sandboxHome,
  sandboxMark,
  sandboxTmp,
  sandboxUsers,
  titled,
  UNISOLATED,
} from '../helpers/runtime-mode.js';

let backend: LocalBackend;
/** The main sandbox, and a second one for sandbox → sandbox copies. */
let sbx: string;
let sbx2: string;
let scratch: string;
const live: CliProcess[] = [];

const env = () => ({ E2B_TS_HOME: backend.home });
const cli = (args: string[], input?: string | Buffer): Promise<CliResult> =>
  runCli(['--local', ...args], { env: env(), timeoutMs: 180_000, ...(input !== undefined ? { input } : {}) });
const show = (r: { code: number | null; signal?: NodeJS.Signals | null; stdout: string | Buffer; stderr: string }) =>
  `code ${r.code} signal ${r.signal ?? null}\nstdout ${JSON.stringify(r.stdout.toString().slice(0, 2000))}\nstderr ${JSON.stringify(r.stderr.slice(0, 4000))}`;

/** Spawns the CLI with --local against this file's backend; killed after the test if still running. */
function spawnLocal(args: string[], opts: Parameters<typeof spawnCli>[1] = {}): CliProcess {
  const proc = spawnCli(['--local', ...args], { env: env(), ...opts });
  live.push(proc);
  return proc;
}

/** `bash -c script` with this backend's environment (pipelines through real tar). */
function bashLocal(script: string): CliProcess {
  const proc = spawnBash(script, { env: env(), stdin: 'ignore' });
  live.push(proc);
  return proc;
}

/** Runs the CLI to the end with stdout as bytes and stdin a Buffer. */
async function runBytes(args: string[], input: Buffer = Buffer.alloc(0)) {
  const proc = spawnLocal(args);
  proc.child.stdin!.end(input);
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** The CLI's `e2b-ts` as a shell word, for bash pipelines. */
const cliWord = () => `${q(process.execPath)} ${q(cliBin)} --local`;
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Where a sandbox path is on this machine (the path itself, unisolated). */
const hostPath = (id: string, path: string) => hostPathOf(backend.home, id, path);
/** A sandbox's home for `user` as a sandbox path: /home/user under bubblewrap, a host folder of its own unisolated. */
const home = (id: string) => sandboxHome(backend.home, id);
/** A sandbox's temporary folder as a sandbox path: /tmp under bubblewrap, its TMPDIR unisolated. */
const tmpOf = (id: string) => sandboxTmp(backend.home, id);

async function createSandbox(...extra: string[]): Promise<string> {
  const r = await cli(['sandbox', 'create', '--timeout', '1h', '--metadata', 'suite=fs-cli', ...extra]);
  if (r.code !== 0) throw new Error(`could not create a sandbox: ${show(r)}`);
  const id = r.stdout.trim();
  await checkSandboxPaths(cli, backend.home, id);
  return id;
}

/** Runs a shell line in a sandbox (as `user`); fails the test when it fails. */
async function sh(id: string, script: string): Promise<string> {
  const r = await cli(['exec', id, '--', 'sh', '-c', script]);
  expect(r.code, show(r)).toBe(0);
  return r.stdout;
}

/**
 * How many of the sandbox's processes have `hashlib` in their command line (the CLI's
 * sandbox-side hasher): `ps` in the sandbox; unisolated, where `ps` would list every host
 * process, the host processes carrying the sandbox's mark.
 */
async function hashers(id: string): Promise<string> {
  if (UNISOLATED) return String(markedProcesses(await sandboxMark(cli, id), (p) => p.args.includes('hashlib')).length);
  return (await sh(id, 'ps -eo args | grep -c "[h]ashlib" || true')).trim();
}

/** Text with the sandbox path the test itself named taken out (unisolated only: there it is a host path). */
const unnamed = (text: string, named: string) => (UNISOLATED ? text.split(named).join('') : text);

/** Temporaries of `fs cp` / `fs write` in a folder. */
const temps = (dir: string) => readdirSync(dir).filter((n) => n.includes('.e2bts-'));

/** A file of `mib` MiB of random-looking bytes (each MiB distinct), written without holding it all. */
function writeBigFile(path: string, mib: number): void {
  const chunk = randomBytes(1 << 20);
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < mib; i++) {
      chunk.writeUInt32LE(i, 0);
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

/** Makes every folder under root writable again (read-only folders block deletion by non-root). */
function makeWritable(root: string): void {
  let st: Stats;
  try {
    st = lstatSync(root);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  try {
    chmodSync(root, (st.mode & 0o7777) | 0o700);
  } catch {
    // not ours
  }
  for (const name of readdirSync(root)) makeWritable(join(root, name));
}

// ---------------------------------------------------------------------------------------------
// Trees: build one, take a snapshot (type, mode bits, size, SHA-256, link target per entry).

interface Node {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode?: number;
  size?: number;
  sha256?: string;
  link?: string;
}

/** Every entry under root (root itself as "."), without following symlinks. */
function snapshot(root: string): Map<string, Node> {
  const out = new Map<string, Node>();
  const visit = (abs: string, rel: string) => {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) out.set(rel, { type: 'symlink', link: readlinkSync(abs) });
    else if (st.isDirectory()) {
      out.set(rel, { type: 'dir', mode: st.mode & 0o7777 });
      for (const name of readdirSync(abs).sort()) visit(join(abs, name), rel === '.' ? name : `${rel}/${name}`);
    } else if (st.isFile()) {
      out.set(rel, { type: 'file', mode: st.mode & 0o7777, size: st.size, sha256: sha256(readFileSync(abs)) });
    } else out.set(rel, { type: 'other', mode: st.mode });
  };
  visit(root, '.');
  return out;
}

/** Differences between two snapshots, one line each (empty when identical). */
function treeDiff(expected: Map<string, Node>, actual: Map<string, Node>): string[] {
  const out: string[] = [];
  const fmt = (n: Node) => JSON.stringify({ ...n, ...(n.mode !== undefined ? { mode: n.mode.toString(8) } : {}) });
  for (const [rel, want] of expected) {
    const got = actual.get(rel);
    if (!got) out.push(`missing: ${rel}`);
    else if (fmt(got) !== fmt(want)) out.push(`differs: ${rel}: want ${fmt(want)}, got ${fmt(got)}`);
  }
  for (const rel of actual.keys()) if (!expected.has(rel)) out.push(`extra: ${rel}`);
  return out;
}

const SPACED = 'spaced name – ünïcødé ñ 日本語 €.txt';

/**
 * The acceptance tree: 1,000 files in 100 nested folders (sizes 0..4,999 bytes) plus a 2 MiB
 * file, executables, modes from 0600 to 0755, a 0700 folder, a 0555 folder with a 0444 file,
 * symlinks (to a file, up to a file, to a folder, dangling), a name with spaces and non-ASCII,
 * an empty file, an empty folder and a deep path. Returns the number of regular files.
 */
function buildTree(root: string): number {
  let files = 0;
  const file = (rel: string, data: Buffer | string, mode = 0o644) => {
    writeFileSync(join(root, rel), data);
    chmodSync(join(root, rel), mode);
    files++;
  };
  const dir = (rel: string, mode = 0o755) => {
    mkdirSync(join(root, rel), { recursive: true });
    chmodSync(join(root, rel), mode);
  };
  dir('.', 0o750);
  let n = 0;
  for (let d = 0; d < 10; d++) {
    dir(`d${d}`);
    for (let s = 0; s < 10; s++) {
      dir(`d${d}/s${s}`);
      for (let f = 0; f < 10; f++, n++) file(`d${d}/s${s}/f${f}.bin`, randomBytes((n * 37) % 5000), n % 7 === 0 ? 0o600 : 0o644);
    }
  }
  dir('bin');
  file('bin/run.sh', '#!/bin/sh\necho "ran $0"\n', 0o755);
  file('bin/tool', randomBytes(3000), 0o700);
  file('private.key', randomBytes(64), 0o600);
  file('shared.txt', 'group readable\n', 0o640);
  file(SPACED, 'spaces and non-ASCII in the name\n');
  file('empty-file', '');
  file('big.bin', randomBytes(2 * 1024 * 1024));
  dir('empty-dir');
  dir('locked', 0o700);
  file('locked/inside.txt', 'in a 0700 folder\n');
  dir('deep/a/b/c/d/e/f/g');
  file('deep/a/b/c/d/e/f/g/leaf.txt', 'deep\n');
  dir('readonly');
  file('readonly/frozen.txt', 'in a read-only folder\n', 0o444);
  chmodSync(join(root, 'readonly'), 0o555);
  symlinkSync('bin/run.sh', join(root, 'link-to-file'));
  symlinkSync('../../private.key', join(root, 'd3/s3/link-up'));
  symlinkSync('d1', join(root, 'link-to-dir'));
  symlinkSync('does-not-exist', join(root, 'dangling'));
  return files;
}

let tree: string;
let treeFiles: number;
let treeSnap: Map<string, Node>;

beforeAll(async () => {
  backend = await startLocalBackend();
  scratch = mkdtempSync(join(tmpdir(), 'e2bts-fs-'));
  tree = join(scratch, 'tree');
  treeFiles = buildTree(tree);
  treeSnap = snapshot(tree);
  [sbx, sbx2] = await Promise.all([createSandbox(), createSandbox()]);
  await checkRuntime((args) => runCli(args, { env: env() }));
});

afterEach(() => {
  for (const proc of live.splice(0)) reap(proc);
});

afterAll(async () => {
  for (const proc of live.splice(0)) reap(proc);
  if (backend) makeWritable(join(backend.home, 'sandboxes'));
  await backend?.dispose();
  if (scratch) {
    makeWritable(scratch);
    rmSync(scratch, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------

describe(titled('fs cp: trees round-trip identical'), () => {
  it('the acceptance tree has what issue #5 lists', () => {
    expect(treeFiles).toBeGreaterThanOrEqual(1000);
    expect(treeSnap.get('bin/run.sh')).toMatchObject({ type: 'file', mode: 0o755 });
    expect(treeSnap.get('link-to-file')).toEqual({ type: 'symlink', link: 'bin/run.sh' });
    expect(treeSnap.get(SPACED)).toMatchObject({ type: 'file' });
    expect(treeSnap.get('empty-file')).toMatchObject({ type: 'file', size: 0 });
    expect(treeSnap.get('empty-dir')).toEqual({ type: 'dir', mode: 0o755 });
  });

  for (const parallel of [undefined, 4]) {
    const flags = parallel ? ['--parallel', String(parallel)] : [];
    const tag = parallel ? `p${parallel}` : 'p1';
    it(`local → sandbox → local${parallel ? ` with --parallel ${parallel}` : ''}: type, mode, bytes and link target of every entry`, async () => {
      const up = await cli(['fs', 'cp', ...flags, tree, `${sbx}:${home(sbx)}/rt-${tag}`]);
      expect(up.code, show(up)).toBe(0);
      expect(up.stdout).toBe('');
      // nothing for people when piped: no progress, no warnings
      expect(up.stderr).toBe('');
      expect(treeDiff(treeSnap, snapshot(hostPath(sbx, `${home(sbx)}/rt-${tag}`)))).toEqual([]);
      expect(temps(hostPath(sbx, home(sbx)))).toEqual([]);

      const back = join(scratch, `back-${tag}`);
      const down = await cli(['fs', 'cp', ...flags, `${sbx}:${home(sbx)}/rt-${tag}`, back]);
      expect(down.code, show(down)).toBe(0);
      expect(down.stdout).toBe('');
      expect(down.stderr).toBe('');
      expect(treeDiff(treeSnap, snapshot(back))).toEqual([]);
      expect(temps(scratch)).toEqual([]);
    }, 240_000);
  }

  it('--json reports each copy (source, destination, files, bytes, nothing refused)', async () => {
    const r = await cli(['fs', 'cp', '--json', join(tree, 'd2'), `${sbx}:${home(sbx)}/json-d2`]);
    expect(r.code, show(r)).toBe(0);
    const out = JSON.parse(r.stdout);
    const bytes = [...treeSnap].filter(([rel, n]) => rel.startsWith('d2/') && n.type === 'file').reduce((s, [, n]) => s + n.size!, 0);
    expect(out).toEqual([{ source: join(tree, 'd2'), destination: `${sbx}:${home(sbx)}/json-d2`, files: 100, bytes, refused: [] }]);
  });

  it('into an existing folder: the source lands under its own name; several sources at once', async () => {
    await sh(sbx, 'mkdir -p ~/into ~/multi');
    const r = await cli(['fs', 'cp', tree, `${sbx}:${home(sbx)}/into`]);
    expect(r.code, show(r)).toBe(0);
    expect(treeDiff(treeSnap, snapshot(hostPath(sbx, `${home(sbx)}/into/tree`)))).toEqual([]);

    const many = await cli(['fs', 'cp', join(tree, 'bin'), join(tree, SPACED), join(tree, 'empty-dir'), `${sbx}:${home(sbx)}/multi`]);
    expect(many.code, show(many)).toBe(0);
    expect(readdirSync(hostPath(sbx, `${home(sbx)}/multi`)).sort()).toEqual(['bin', 'empty-dir', SPACED].sort());
    expect(readFileSync(hostPath(sbx, `${home(sbx)}/multi/${SPACED}`), 'utf8')).toBe('spaces and non-ASCII in the name\n');
    expect(statSync(hostPath(sbx, `${home(sbx)}/multi/bin/run.sh`)).mode & 0o777).toBe(0o755);

    // and back down, several sources into one local folder
    const local = join(scratch, 'multi-down');
    mkdirSync(local);
    const down = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/multi/bin`, `${sbx}:${home(sbx)}/multi/${SPACED}`, local]);
    expect(down.code, show(down)).toBe(0);
    expect(readdirSync(local).sort()).toEqual(['bin', SPACED].sort());
    expect(treeDiff(snapshot(join(tree, 'bin')), snapshot(join(local, 'bin')))).toEqual([]);
  }, 120_000);

  it('sandbox → sandbox: a tree and a single file keep bytes, modes and links', async () => {
    const up = await cli(['fs', 'cp', tree, `${sbx}:${home(sbx)}/s2s-src`]);
    expect(up.code, show(up)).toBe(0);
    const r = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/s2s-src`, `${sbx2}:${home(sbx2)}/s2s-dst`]);
    expect(r.code, show(r)).toBe(0);
    expect(treeDiff(treeSnap, snapshot(hostPath(sbx2, `${home(sbx2)}/s2s-dst`)))).toEqual([]);

    const one = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/s2s-src/private.key`, `${sbx2}:${tmpOf(sbx2)}/`]);
    expect(one.code, show(one)).toBe(0);
    const copied = hostPath(sbx2, `${tmpOf(sbx2)}/private.key`);
    expect(readFileSync(copied).equals(readFileSync(join(tree, 'private.key')))).toBe(true);
    expect(statSync(copied).mode & 0o7777).toBe(0o600);
    expect(temps(hostPath(sbx2, tmpOf(sbx2)))).toEqual([]);
    expect(temps(hostPath(sbx2, home(sbx2)))).toEqual([]);
  }, 180_000);
});

describe(titled('fs cp: many small files'), () => {
  it('5,000 files of 4 KiB go down and up complete and quiet (no warnings on stderr)', async () => {
    await sh(sbx, 'mkdir -p ~/many');
    const want = new Map<string, string>();
    for (let i = 0; i < 5000; i++) {
      const data = randomBytes(4096);
      const name = `f${String(i).padStart(5, '0')}.bin`;
      writeFileSync(hostPath(sbx, `${home(sbx)}/many/${name}`), data);
      want.set(name, sha256(data));
    }
    const local = join(scratch, 'many');
    const down = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/many`, local]);
    expect(down.code, show(down)).toBe(0);
    expect(down.stderr).toBe('');
    const names = readdirSync(local).sort();
    expect(names).toHaveLength(5000);
    for (const name of names) expect(sha256(readFileSync(join(local, name))), name).toBe(want.get(name));

    const up = await cli(['fs', 'cp', local, `${sbx}:${home(sbx)}/many-up`]);
    expect(up.code, show(up)).toBe(0);
    expect(up.stderr).toBe('');
    expect(readdirSync(hostPath(sbx, `${home(sbx)}/many-up`))).toHaveLength(5000);
  }, 180_000);
});

describe(titled('fs cp: single files'), () => {
  it('a 6 MiB binary goes up and down byte-exact (SHA-256) with its mode', async () => {
    const data = randomBytes(6 * 1024 * 1024);
    const local = join(scratch, 'single.bin');
    writeFileSync(local, data);
    chmodSync(local, 0o640);

    const up = await cli(['fs', 'cp', local, `${sbx}:${home(sbx)}/single/`]);
    expect(up.code, show(up)).toBe(0);
    const remote = hostPath(sbx, `${home(sbx)}/single/single.bin`);
    expect(sha256(readFileSync(remote))).toBe(sha256(data));
    expect(statSync(remote).mode & 0o7777).toBe(0o640);

    // a relative sandbox path is relative to the user's home
    const rel = await cli(['fs', 'cp', local, `${sbx}:single-rel.bin`]);
    expect(rel.code, show(rel)).toBe(0);
    expect(sha256(readFileSync(hostPath(sbx, `${home(sbx)}/single-rel.bin`)))).toBe(sha256(data));

    const back = join(scratch, 'single-back.bin');
    const down = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/single/single.bin`, back]);
    expect(down.code, show(down)).toBe(0);
    expect(sha256(readFileSync(back))).toBe(sha256(data));
    expect(statSync(back).mode & 0o7777).toBe(0o640);

    // into an existing local folder, under its own name
    const dir = join(scratch, 'single-dir');
    mkdirSync(dir);
    const into = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/single/single.bin`, dir]);
    expect(into.code, show(into)).toBe(0);
    expect(readdirSync(dir)).toEqual(['single.bin']);
    expect(sha256(readFileSync(join(dir, 'single.bin')))).toBe(sha256(data));
  }, 120_000);

  it('an empty file and a name with spaces and non-ASCII', async () => {
    const up = await cli(['fs', 'cp', join(tree, 'empty-file'), join(tree, SPACED), `${sbx}:${home(sbx)}/`]);
    expect(up.code, show(up)).toBe(0);
    expect(statSync(hostPath(sbx, `${home(sbx)}/empty-file`)).size).toBe(0);
    const dir = join(scratch, 'odd-names');
    mkdirSync(dir);
    const down = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/${SPACED}`, `${sbx}:${home(sbx)}/empty-file`, dir]);
    expect(down.code, show(down)).toBe(0);
    expect(readFileSync(join(dir, SPACED), 'utf8')).toBe('spaces and non-ASCII in the name\n');
    expect(statSync(join(dir, 'empty-file')).size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe(titled('fs cp: tar streams on stdio (-)'), () => {
  it('`tar c … | fs cp - ID:/dst` extracts the archive into the sandbox folder', async () => {
    const p = bashLocal(`set -o pipefail; tar -c -f - -C ${q(scratch)} tree | ${cliWord()} fs cp - ${sbx}:${home(sbx)}/from-tar`);
    const exit = await p.exited;
    expect(exit.code, show({ ...exit, stdout: p.stdout(), stderr: p.stderr() })).toBe(0);
    expect(readdirSync(hostPath(sbx, `${home(sbx)}/from-tar`))).toEqual(['tree']);
    expect(treeDiff(treeSnap, snapshot(hostPath(sbx, `${home(sbx)}/from-tar/tree`)))).toEqual([]);
    expect(temps(hostPath(sbx, home(sbx)))).toEqual([]);
  }, 120_000);

  it('`fs cp ID:/src - | tar x -C …` writes an archive of the sandbox folder to stdout', async () => {
    const up = await cli(['fs', 'cp', tree, `${sbx}:${home(sbx)}/to-tar`]);
    expect(up.code, show(up)).toBe(0);
    const out = join(scratch, 'untarred');
    mkdirSync(out);
    const p = bashLocal(`set -o pipefail; ${cliWord()} fs cp ${sbx}:${home(sbx)}/to-tar - | tar -x -p --no-same-owner -f - -C ${q(out)}`);
    const exit = await p.exited;
    expect(exit.code, show({ ...exit, stdout: p.stdout(), stderr: p.stderr() })).toBe(0);
    expect(readdirSync(out)).toEqual(['to-tar']);
    expect(treeDiff(treeSnap, snapshot(join(out, 'to-tar')))).toEqual([]);
  }, 120_000);

  it('a single sandbox file to stdout is a one-entry archive', async () => {
    const data = randomBytes(100_000);
    writeFileSync(hostPath(sbx, `${home(sbx)}/one-entry.bin`), data);
    const r = await runBytes(['fs', 'cp', `${sbx}:${home(sbx)}/one-entry.bin`, '-']);
    expect(r.code, show(r)).toBe(0);
    const entries: Array<{ name: string; data: Buffer }> = [];
    const extract = tarStream.extract();
    const done = (async () => {
      for await (const entry of extract) {
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        entries.push({ name: entry.header.name, data: Buffer.concat(chunks) });
      }
    })();
    extract.end(r.stdout);
    await done;
    expect(entries.map((e) => e.name)).toEqual(['one-entry.bin']);
    expect(entries[0].data.equals(data)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe(titled('fs cp: hostile sandboxes cannot make a download write outside its destination'), () => {
  it('a real tree with symlinks to /etc, /etc/passwd and ../../x: exit 1, warnings, nothing outside DST', async () => {
    await sh(
      sbx,
      'mkdir -p ~/hostile/sub && echo fine > ~/hostile/fine.txt && echo also > ~/hostile/sub/ok.txt' +
        ' && ln -s /etc ~/hostile/etc-link && ln -s ../../x ~/hostile/escape && ln -s /etc/passwd ~/hostile/sub/passwd-link' +
        ' && ln -s ../fine.txt ~/hostile/sub/inside-link',
    );
    const root = join(scratch, 'hostile-real');
    const parent = join(root, 'parent');
    mkdirSync(parent, { recursive: true });
    const etcBefore = readdirSync('/etc').sort();
    const dst = join(parent, 'dst');

    for (const round of [1, 2]) {
      // round 2 downloads into the now existing dst folder (a merge)
      const r = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/hostile`, dst]);
      expect(r.code, `round ${round}: ${show(r)}`).toBe(1);
      expect(r.stderr).toMatch(/refused .*etc-link/);
      expect(r.stderr).toMatch(/refused .*escape/);
      expect(r.stderr).toMatch(/refused .*passwd-link/);
      expect(readdirSync(root)).toEqual(['parent']);
      expect(readdirSync(parent)).toEqual(['dst']);
      expect(existsSync(join(scratch, 'x'))).toBe(false);
      expect(readdirSync('/etc').sort()).toEqual(etcBefore);
    }
    // round 1 made dst the tree; round 2 put a copy inside it (dst is an existing folder now)
    for (const base of [dst, join(dst, 'hostile')]) {
      expect(readFileSync(join(base, 'fine.txt'), 'utf8')).toBe('fine\n');
      expect(readFileSync(join(base, 'sub/ok.txt'), 'utf8')).toBe('also\n');
      expect(readlinkSync(join(base, 'sub/inside-link'))).toBe('../fine.txt');
      for (const refused of ['etc-link', 'escape', 'sub/passwd-link']) expect(existsSync(join(base, refused)) || isLink(join(base, refused))).toBe(false);
    }
  });

  it("the sandbox's own `tar` emits ../x, absolute names, links out with files through them, hard links out, a device: all refused", async () => {
    const evil = await createSandbox();
    const outside = join(scratch, 'evil-outside');
    mkdirSync(outside);
    const marker = `e2bts-evil-${randomBytes(4).toString('hex')}`;
    const content = {
      ok: 'ok\n',
      etc: 'through the /etc link\n',
      out: 'through the absolute link\n',
      esc: 'through the ../../z link\n',
      suid: '#!/bin/sh\necho suid\n',
    };

    // The crafted archive, as `tar -c` in that sandbox will print it.
    const pack = tarStream.pack();
    const add = (header: Partial<tarStream.Header> & { name: string }, body?: string) =>
      new Promise<void>((resolve, reject) =>
        pack.entry({ ...header, mode: header.mode ?? 0o644 } as tarStream.Header, body ?? '', (e) => (e ? reject(e) : resolve())),
      );
    const archive = (async () => {
      const chunks: Buffer[] = [];
      for await (const c of pack) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    })();
    await add({ name: 'up', type: 'directory', mode: 0o755 });
    await add({ name: 'up/ok.txt' }, content.ok);
    await add({ name: '../x' }, 'escaped with ..\n');
    await add({ name: 'up/../../y' }, 'escaped with an inner ..\n');
    await add({ name: join(outside, 'abs.txt') }, 'absolute name\n');
    await add({ name: 'up/etc', type: 'symlink', linkname: '/etc' });
    await add({ name: `up/etc/${marker}` }, content.etc);
    await add({ name: 'up/out', type: 'symlink', linkname: outside });
    await add({ name: 'up/out/through.txt' }, content.out);
    await add({ name: 'up/esc', type: 'symlink', linkname: '../../z' });
    await add({ name: 'up/esc/through.txt' }, content.esc);
    await add({ name: 'up/hl', type: 'link', linkname: '/etc/hostname' });
    await add({ name: 'up/hl2', type: 'link', linkname: '../x' });
    await add({ name: 'up/null', type: 'character-device', devmajor: 1, devminor: 3 });
    await add({ name: 'up/suid', mode: 0o4755 }, content.suid);
    pack.finalize();
    const tarBytes = await archive;

    // The real tree matches what a safe extraction keeps, so only the refusals fail the copy.
    const w = await cli(['fs', 'write', `${evil}:${home(evil)}/evil.tar`], tarBytes);
    expect(w.code, show(w)).toBe(0);
    const fake = `#!/bin/sh\ncase " $* " in *" -c "*) exec cat ${home(evil)}/evil.tar ;; esac\nexec /usr/bin/tar "$@"\n`;
    writeFileSync(join(scratch, 'fake-tar'), fake);
    const f = await cli(['fs', 'cp', join(scratch, 'fake-tar'), `${evil}:${home(evil)}/bin/tar`]);
    expect(f.code, show(f)).toBe(0);
    await sh(evil, 'chmod 755 ~/bin/tar && echo \'PATH="$HOME/bin:$PATH"\' > ~/.bash_profile');
    // the tree, with the contents passed as positional arguments of sh -c
    const setup = await cli([
      'exec',
      evil,
      '--',
      'sh',
      '-c',
      `mkdir -p ~/up/etc ~/up/out ~/up/esc && printf %s "$1" > ~/up/ok.txt && printf %s "$2" > ~/up/etc/${marker}` +
        ' && printf %s "$3" > ~/up/out/through.txt && printf %s "$4" > ~/up/esc/through.txt && printf %s "$5" > ~/up/suid && chmod 4755 ~/up/suid',
      'sh',
      content.ok,
      content.etc,
      content.out,
      content.esc,
      content.suid,
    ]);
    expect(setup.code, show(setup)).toBe(0);
    // The sandbox's login shell now finds its own tar first.
    expect((await sh(evil, 'command -v tar')).trim()).toBe(`${home(evil)}/bin/tar`);

    const root = join(scratch, 'evil-dl');
    const parent = join(root, 'parent');
    mkdirSync(parent, { recursive: true });
    const etcBefore = readdirSync('/etc').sort();
    const dst = join(parent, 'dst');
    const r = await cli(['fs', 'cp', `${evil}:${home(evil)}/up`, dst]);
    expect(r.code, show(r)).toBe(1);
    for (const name of ['../x', 'up/../../y', join(outside, 'abs.txt'), 'up/etc', 'up/out', 'up/esc', 'up/hl', 'up/hl2', 'up/null']) {
      expect(r.stderr, `no warning for ${name}`).toContain(`refused ${name}`);
    }

    // nothing outside dst
    expect(readdirSync(root)).toEqual(['parent']);
    expect(readdirSync(parent)).toEqual(['dst']);
    expect(readdirSync(outside)).toEqual([]);
    // By name, not by comparing listings: other test files (and the system) change /etc meanwhile.
    for (const name of [marker, 'ok.txt', 'through.txt', 'suid', 'x', 'y', 'z', 'abs.txt']) {
      expect(existsSync(join('/etc', name)), `/etc/${name}`).toBe(etcBefore.includes(name));
    }
    for (const name of ['x', 'y', 'z']) expect(existsSync(join(scratch, name))).toBe(false);

    // inside dst: only real folders and files, no links out, no device, no set-id bit
    expect(readFileSync(join(dst, 'ok.txt'), 'utf8')).toBe(content.ok);
    for (const name of ['etc', 'out', 'esc']) {
      if (isLink(join(dst, name))) throw new Error(`${name} became a symlink in the destination`);
    }
    for (const name of ['hl', 'hl2', 'null']) expect(existsSync(join(dst, name)) || isLink(join(dst, name))).toBe(false);
    if (existsSync(join(dst, 'suid'))) expect(statSync(join(dst, 'suid')).mode & 0o6000).toBe(0);
    expect(temps(parent)).toEqual([]);
  }, 120_000);
});

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------

describe(titled('fs cp: large transfers, overwrites and Ctrl-C'), () => {
  const MIB = 300;
  let big: string;
  let bigSha: string;

  beforeAll(async () => {
    big = join(scratch, 'big.bin');
    writeBigFile(big, MIB);
    bigSha = await sha256File(big);
    // the same bytes in the sandbox, put there directly (independent of the CLI)
    mkdirSync(hostPath(sbx, `${home(sbx)}/bigsrc/dir`), { recursive: true });
    copyFileSync(big, hostPath(sbx, `${home(sbx)}/bigsrc/big.bin`));
    copyFileSync(big, hostPath(sbx, `${home(sbx)}/bigsrc/dir/big.bin`));
    writeFileSync(hostPath(sbx, `${home(sbx)}/bigsrc/dir/small.txt`), 'small\n');
    for (const p of [`${home(sbx)}/bigsrc`, `${home(sbx)}/bigsrc/dir`]) chmodSync(hostPath(sbx, p), 0o755);
    for (const p of [`${home(sbx)}/bigsrc/big.bin`, `${home(sbx)}/bigsrc/dir/big.bin`, `${home(sbx)}/bigsrc/dir/small.txt`]) chmodSync(hostPath(sbx, p), 0o644);
  }, 120_000);

  /** Resolves with the temporary's name once one exists in `dir` with some bytes in it (or, for a folder, exists). */
  async function untilTemp(proc: CliProcess, dir: string, what: string): Promise<string> {
    return pollUntil(
      what,
      async () => {
        if (proc.done())
          throw new Error(`the CLI ended before a temporary appeared: ${show({ ...(await proc.exited), stdout: proc.stdout(), stderr: proc.stderr() })}`);
        for (const name of temps(dir)) {
          const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
          if (st && (st.isDirectory() || st.size > 0)) return name;
        }
        return undefined;
      },
      60_000,
      10,
    ).catch(async (e) => {
      if (proc.done())
        throw new Error(`the CLI ended before a temporary appeared: ${show({ ...(await proc.exited), stdout: proc.stdout(), stderr: proc.stderr() })}`);
      throw e;
    });
  }

  async function interrupt(proc: CliProcess) {
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
  }

  it('upload over an existing file: the old file stays until the new one is complete and verified', async () => {
    const target = hostPath(sbx, `${home(sbx)}/ow/target.bin`);
    await sh(sbx, "mkdir -p ~/ow && printf 'old\\n' > ~/ow/target.bin");
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    const proc = spawnLocal(['fs', 'cp', big, `${sbx}:${home(sbx)}/ow/target.bin`], { stdin: 'ignore' });
    await untilTemp(proc, hostPath(sbx, `${home(sbx)}/ow`), 'the upload temporary');
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    const exit = await proc.exited;
    expect(exit.code, show({ ...exit, stdout: proc.stdout(), stderr: proc.stderr() })).toBe(0);
    expect(statSync(target).size).toBe(MIB * 1024 * 1024);
    expect(await sha256File(target)).toBe(bigSha);
    expect(temps(hostPath(sbx, `${home(sbx)}/ow`))).toEqual([]);
  }, 180_000);

  it('download over an existing file: the old file stays until the new one is complete and verified', async () => {
    const dir = join(scratch, 'ow-down');
    mkdirSync(dir);
    const target = join(dir, 'target.bin');
    writeFileSync(target, 'old\n');
    const proc = spawnLocal(['fs', 'cp', `${sbx}:${home(sbx)}/bigsrc/big.bin`, target], { stdin: 'ignore' });
    await untilTemp(proc, dir, 'the download temporary');
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    const exit = await proc.exited;
    expect(exit.code, show({ ...exit, stdout: proc.stdout(), stderr: proc.stderr() })).toBe(0);
    expect(await sha256File(target)).toBe(bigSha);
    expect(readdirSync(dir)).toEqual(['target.bin']);
  }, 180_000);

  it('a 300 MiB folder goes down whole and quiet (no warnings on stderr), and back up', async () => {
    const local = join(scratch, 'big-dir-down');
    const down = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/bigsrc/dir`, local]);
    expect(down.code, show(down)).toBe(0);
    expect(down.stderr).toBe('');
    expect(readdirSync(local).sort()).toEqual(['big.bin', 'small.txt']);
    expect(await sha256File(join(local, 'big.bin'))).toBe(bigSha);
    const up = await cli(['fs', 'cp', local, `${sbx}:${home(sbx)}/big-dir-up`]);
    expect(up.code, show(up)).toBe(0);
    expect(up.stderr).toBe('');
    expect(await sha256File(hostPath(sbx, `${home(sbx)}/big-dir-up/big.bin`))).toBe(bigSha);
    rmSync(local, { recursive: true, force: true });
  }, 180_000);

  it('Ctrl-C during a file upload: exit 130, no destination file, no temporary in the sandbox', async () => {
    const dir = hostPath(sbx, `${home(sbx)}/cc-up`);
    await sh(sbx, 'mkdir -p ~/cc-up');
    const proc = spawnLocal(['fs', 'cp', big, `${sbx}:${home(sbx)}/cc-up/big.bin`], { stdin: 'ignore' });
    await untilTemp(proc, dir, 'the upload temporary');
    const r = await interrupt(proc);
    expect(r.code, show(r)).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
    // the sandbox-side hasher that followed the upload is gone too
    await pollUntil('the sandbox hasher to end', async () => ((await hashers(sbx)) === '0' ? true : undefined), 20_000, 100);
  }, 180_000);

  it('Ctrl-C during a file download: exit 130, no destination file, no local temporary', async () => {
    const dir = join(scratch, 'cc-down');
    mkdirSync(dir);
    const proc = spawnLocal(['fs', 'cp', `${sbx}:${home(sbx)}/bigsrc/big.bin`, join(dir, 'big.bin')], { stdin: 'ignore' });
    await untilTemp(proc, dir, 'the download temporary');
    const r = await interrupt(proc);
    expect(r.code, show(r)).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  }, 180_000);

  it('Ctrl-C during a folder upload: exit 130, nothing left in the sandbox', async () => {
    const local = join(scratch, 'cc-tree');
    mkdirSync(local);
    copyFileSync(big, join(local, 'big.bin'));
    writeFileSync(join(local, 'small.txt'), 'small\n');
    const dir = hostPath(sbx, `${home(sbx)}/cc-up-dir`);
    await sh(sbx, 'mkdir -p ~/cc-up-dir');
    const proc = spawnLocal(['fs', 'cp', local, `${sbx}:${home(sbx)}/cc-up-dir/tree`], { stdin: 'ignore' });
    await untilTemp(proc, dir, 'the upload temporary folder');
    const r = await interrupt(proc);
    expect(r.code, show(r)).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  }, 180_000);

  it('Ctrl-C during a folder download: exit 130, nothing left locally', async () => {
    const dir = join(scratch, 'cc-down-dir');
    mkdirSync(dir);
    const proc = spawnLocal(['fs', 'cp', `${sbx}:${home(sbx)}/bigsrc/dir`, join(dir, 'out')], { stdin: 'ignore' });
    await untilTemp(proc, dir, 'the download temporary folder');
    const r = await interrupt(proc);
    expect(r.code, show(r)).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------

describe(titled('fs ls / stat / cat / write / rm / mv / mkdir'), () => {
  beforeAll(async () => {
    await sh(sbx, 'mkdir -p ~/lsdir/sub && printf abc > ~/lsdir/a.txt && chmod 640 ~/lsdir/a.txt && ln -s a.txt ~/lsdir/l && printf x > ~/lsdir/sub/deep.txt');
  });

  const { user } = sandboxUsers();

  it('fs ls: one path per line; -l tab-separated mode, owner, group, size, time, path; --depth', async () => {
    const r = await cli(['fs', 'ls', `${sbx}:${home(sbx)}/lsdir`]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual([
      `${home(sbx)}/lsdir/a.txt`,
      `${home(sbx)}/lsdir/l -> ${home(sbx)}/lsdir/a.txt`,
      `${home(sbx)}/lsdir/sub`,
    ]);

    const long = await cli(['fs', 'ls', '-l', `${sbx}:${home(sbx)}/lsdir`]);
    expect(long.code, show(long)).toBe(0);
    const rows = long.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const a = rows.find((row) => row[5] === `${home(sbx)}/lsdir/a.txt`);
    expect(a, long.stdout).toBeDefined();
    expect(a!.slice(0, 4)).toEqual(['-rw-r-----', user.name, user.group, '3']);
    expect(Number.isNaN(Date.parse(a![4]))).toBe(false);
    expect(rows.find((row) => row[5] === `${home(sbx)}/lsdir/sub`)?.[0]).toMatch(/^d/);

    const shallow = await cli(['fs', 'ls', `${sbx}:${home(sbx)}/lsdir`, '--depth', '1']);
    expect(shallow.stdout).not.toContain('deep.txt');
    const deep = await cli(['fs', 'ls', `${sbx}:${home(sbx)}/lsdir`, '--depth', '2']);
    expect(deep.code, show(deep)).toBe(0);
    expect(deep.stdout.split('\n')).toContain(`${home(sbx)}/lsdir/sub/deep.txt`);

    const json = await cli(['fs', 'ls', '--json', `${sbx}:${home(sbx)}/lsdir`]);
    expect(json.code, show(json)).toBe(0);
    const entries = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(entries.find((e) => e.name === 'a.txt')).toMatchObject({ path: `${home(sbx)}/lsdir/a.txt`, type: 'file', size: 3, mode: 0o640 });

    const missing = await cli(['fs', 'ls', `${sbx}:${home(sbx)}/no-such-dir`]);
    expect(missing.code, show(missing)).toBe(3);
  });

  it('fs stat --json: the SDK field names and values', async () => {
    const r = await cli(['fs', 'stat', '--json', `${sbx}:${home(sbx)}/lsdir/a.txt`]);
    expect(r.code, show(r)).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      name: 'a.txt',
      path: `${home(sbx)}/lsdir/a.txt`,
      type: 'file',
      size: 3,
      mode: 0o640,
      permissions: '-rw-r-----',
      owner: user.name,
      group: user.group,
    });
    expect(new Date(info.modifiedTime).toISOString()).toBe(info.modifiedTime);

    const dir = JSON.parse((await cli(['fs', 'stat', '--json', `${sbx}:${home(sbx)}/lsdir/sub`])).stdout);
    expect(dir).toMatchObject({ name: 'sub', type: 'dir' });
    const link = JSON.parse((await cli(['fs', 'stat', '--json', `${sbx}:${home(sbx)}/lsdir/l`])).stdout);
    expect(link).toMatchObject({ name: 'l', path: `${home(sbx)}/lsdir/l`, symlinkTarget: `${home(sbx)}/lsdir/a.txt` });

    const text = await cli(['fs', 'stat', `${sbx}:${home(sbx)}/lsdir/a.txt`]);
    expect(text.code, show(text)).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^path\\t${reEscape(home(sbx))}/lsdir/a\\.txt$`, 'm'));
    expect(text.stdout).toMatch(/^mode\t-rw-r----- \(0640\)$/m);

    const missing = await cli(['fs', 'stat', `${sbx}:${home(sbx)}/nope`]);
    expect(missing.code, show(missing)).toBe(3);
  });

  it('fs cat writes the exact bytes (NUL, invalid UTF-8, every byte value)', async () => {
    const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]), randomBytes(1024 * 1024)]);
    writeFileSync(hostPath(sbx, `${home(sbx)}/cat.bin`), data);
    const r = await runBytes(['fs', 'cat', `${sbx}:${home(sbx)}/cat.bin`]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.length).toBe(data.length);
    expect(r.stdout.equals(data)).toBe(true);

    const empty = await runBytes(['fs', 'cat', `${sbx}:${home(sbx)}/lsdir/../lsdir/sub/deep.txt`]);
    expect(empty.stdout.toString()).toBe('x');
  });

  it('fs write: stdin to a file (parents created), replaced whole, no temporary left', async () => {
    const data = randomBytes(1024 * 1024 + 7);
    const r = await runBytes(['fs', 'write', `${sbx}:${home(sbx)}/wr/x/y/file.bin`], data);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.length).toBe(0);
    const host = hostPath(sbx, `${home(sbx)}/wr/x/y/file.bin`);
    expect(readFileSync(host).equals(data)).toBe(true);

    const shorter = await runBytes(['fs', 'write', `${sbx}:${home(sbx)}/wr/x/y/file.bin`], Buffer.from('short\n'));
    expect(shorter.code, show(shorter)).toBe(0);
    expect(readFileSync(host, 'utf8')).toBe('short\n');

    const empty = await runBytes(['fs', 'write', `${sbx}:${home(sbx)}/wr/empty.txt`]);
    expect(empty.code, show(empty)).toBe(0);
    expect(statSync(hostPath(sbx, `${home(sbx)}/wr/empty.txt`)).size).toBe(0);
    expect(temps(hostPath(sbx, `${home(sbx)}/wr/x/y`))).toEqual([]);
    expect(temps(hostPath(sbx, `${home(sbx)}/wr`))).toEqual([]);
  });

  it('fs rm: a file; a folder needs -r (exit 2 without); missing is 3 unless -f', async () => {
    await sh(sbx, 'mkdir -p ~/rmme/d/e && echo 1 > ~/rmme/f && echo 2 > ~/rmme/d/e/g && echo 3 > ~/rmme/h');
    const f = await cli(['fs', 'rm', `${sbx}:${home(sbx)}/rmme/f`, `${sbx}:${home(sbx)}/rmme/h`]);
    expect(f.code, show(f)).toBe(0);
    expect(existsSync(hostPath(sbx, `${home(sbx)}/rmme/f`))).toBe(false);
    expect(existsSync(hostPath(sbx, `${home(sbx)}/rmme/h`))).toBe(false);

    const dir = await cli(['fs', 'rm', `${sbx}:${home(sbx)}/rmme/d`]);
    expect(dir.code, show(dir)).toBe(2);
    expect(dir.stderr).toMatch(/-r/);
    expect(existsSync(hostPath(sbx, `${home(sbx)}/rmme/d/e/g`))).toBe(true);

    const rec = await cli(['fs', 'rm', '-r', `${sbx}:${home(sbx)}/rmme/d`]);
    expect(rec.code, show(rec)).toBe(0);
    expect(existsSync(hostPath(sbx, `${home(sbx)}/rmme/d`))).toBe(false);

    // Unisolated, `/` is this machine's root: asked without -r -f, so that if the refusal ever
    // broke, the folder check (exit 2, no "refusing") stops it rather than a recursive removal.
    if (UNISOLATED) console.log("unisolated: `fs rm ID:/` is checked without -r -f (there, / is the host's root)");
    const root = await cli(['fs', 'rm', ...(UNISOLATED ? [] : ['-r', '-f']), `${sbx}:/`]);
    expect(root.code, show(root)).toBe(2);
    expect(root.stderr).toMatch(/refusing to remove/);
    expect(existsSync(hostPath(sbx, `${home(sbx)}/rmme`))).toBe(true);

    const missing = await cli(['fs', 'rm', `${sbx}:${home(sbx)}/rmme/nope`]);
    expect(missing.code, show(missing)).toBe(3);
    const forced = await cli(['fs', 'rm', '-f', `${sbx}:${home(sbx)}/rmme/nope`]);
    expect(forced.code, show(forced)).toBe(0);
  });

  it('fs mv: renames within a sandbox (destination with or without the sandbox ID); not across sandboxes', async () => {
    await sh(sbx, 'mkdir -p ~/mv && echo moving > ~/mv/a.txt');
    const r = await cli(['fs', 'mv', `${sbx}:${home(sbx)}/mv/a.txt`, `${sbx}:${home(sbx)}/mv/b.txt`]);
    expect(r.code, show(r)).toBe(0);
    expect(readdirSync(hostPath(sbx, `${home(sbx)}/mv`))).toEqual(['b.txt']);
    const bare = await cli(['fs', 'mv', `${sbx}:${home(sbx)}/mv/b.txt`, `${home(sbx)}/mv/c.txt`]);
    expect(bare.code, show(bare)).toBe(0);
    expect(readdirSync(hostPath(sbx, `${home(sbx)}/mv`))).toEqual(['c.txt']);
    expect(readFileSync(hostPath(sbx, `${home(sbx)}/mv/c.txt`), 'utf8')).toBe('moving\n');

    const across = await cli(['fs', 'mv', `${sbx}:${home(sbx)}/mv/c.txt`, `${sbx2}:${home(sbx2)}/c.txt`]);
    expect(across.code, show(across)).toBe(2);
    const missing = await cli(['fs', 'mv', `${sbx}:${home(sbx)}/mv/nope`, `${sbx}:${home(sbx)}/mv/nope2`]);
    expect(missing.code, show(missing)).toBe(3);
  });

  it('fs mv: into an existing folder or a path written with a trailing slash, as mv does; refusals say why', async () => {
    await sh(sbx, 'mkdir -p ~/mvin/into && echo one > ~/mvin/a.txt && echo two > ~/mvin/b.txt');
    const into = await cli(['fs', 'mv', '--json', `${sbx}:${home(sbx)}/mvin/a.txt`, `${sbx}:${home(sbx)}/mvin/into`]);
    expect(into.code, show(into)).toBe(0);
    expect(readFileSync(hostPath(sbx, `${home(sbx)}/mvin/into/a.txt`), 'utf8')).toBe('one\n');
    expect(JSON.parse(into.stdout).path).toBe(`${home(sbx)}/mvin/into/a.txt`);

    const slash = await cli(['fs', 'mv', `${sbx}:${home(sbx)}/mvin/b.txt`, `${home(sbx)}/mvin/new/`]);
    expect(slash.code, show(slash)).toBe(0);
    expect(readFileSync(hostPath(sbx, `${home(sbx)}/mvin/new/b.txt`), 'utf8')).toBe('two\n');

    const itself = await cli(['fs', 'mv', `${sbx}:${home(sbx)}/mvin/into`, `${sbx}:${home(sbx)}/mvin/into/deeper`]);
    expect(itself.code, show(itself)).not.toBe(0);
    expect(itself.stderr.trim().split('\n'), show(itself)).toHaveLength(1);
    expect(itself.stderr).toMatch(/cannot move into itself/);
    // no host path of the backend's (unisolated, the sandbox path named is one, and may be echoed)
    expect(unnamed(itself.stderr, home(sbx))).not.toMatch(/sandboxes\/|internal error$/);
    expect(existsSync(hostPath(sbx, `${home(sbx)}/mvin/into/a.txt`))).toBe(true);
  });

  it('fs mkdir: parents are created; an existing folder is an error unless -p', async () => {
    const r = await cli(['fs', 'mkdir', `${sbx}:${home(sbx)}/mk/a/b/c`]);
    expect(r.code, show(r)).toBe(0);
    expect(statSync(hostPath(sbx, `${home(sbx)}/mk/a/b/c`)).isDirectory()).toBe(true);
    const again = await cli(['fs', 'mkdir', `${sbx}:${home(sbx)}/mk/a/b/c`]);
    expect(again.code, show(again)).not.toBe(0);
    expect(again.stderr).toMatch(/exists/);
    const p = await cli(['fs', 'mkdir', '-p', `${sbx}:${home(sbx)}/mk/a/b/c`]);
    expect(p.code, show(p)).toBe(0);
    const p2 = await cli(['fs', 'mkdir', '-p', `${sbx}:${home(sbx)}/mk/x/y`]);
    expect(p2.code, show(p2)).toBe(0);
    expect(statSync(hostPath(sbx, `${home(sbx)}/mk/x/y`)).isDirectory()).toBe(true);
  });
});

describe(titled('fs url'), () => {
  it('a download URL works with plain HTTP; an upload URL takes a multipart POST', async () => {
    const data = randomBytes(200_000);
    writeFileSync(hostPath(sbx, `${home(sbx)}/url-down.bin`), data);
    const r = await cli(['fs', 'url', `${sbx}:${home(sbx)}/url-down.bin`, '--expires', '1h']);
    expect(r.code, show(r)).toBe(0);
    const url = r.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\?/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);

    const up = await cli(['fs', 'url', '--upload', `${sbx}:${home(sbx)}/url-up/sent.bin`]);
    expect(up.code, show(up)).toBe(0);
    const form = new FormData();
    const payload = randomBytes(150_000);
    form.append('file', new Blob([payload]), 'ignored-name.bin');
    const posted = await fetch(up.stdout.trim(), { method: 'POST', body: form });
    expect(posted.status, await posted.clone().text()).toBe(200);
    expect(readFileSync(hostPath(sbx, `${home(sbx)}/url-up/sent.bin`)).equals(payload)).toBe(true);

    const json = await cli(['fs', 'url', '--json', `${sbx}:${home(sbx)}/url-down.bin`]);
    expect(JSON.parse(json.stdout)).toMatchObject({ path: `${home(sbx)}/url-down.bin`, upload: false });
  });

  it('an unsecured sandbox gets links that name it by host (the backend routes only by sandbox ID), usable with curl', async () => {
    const created = await cli(['sandbox', 'create', '--no-secure']);
    expect(created.code, show(created)).toBe(0);
    const open = created.stdout.trim();
    await checkSandboxPaths(cli, backend.home, open);
    await sh(open, `printf 'no token needed\\n' > ${home(open)}/plain.txt`);
    const r = await cli(['fs', 'url', `${open}:${home(open)}/plain.txt`]);
    expect(r.code, show(r)).toBe(0);
    const url = r.stdout.trim();
    expect(url).toMatch(new RegExp(`^http://49983-${open}\\.localhost:${backend.port}/files\\?path=`));
    const got = spawnSync('curl', ['-sS', '--fail', url], { encoding: 'utf8' });
    expect(got.status, got.stderr).toBe(0);
    expect(got.stdout).toBe('no token needed\n');
    const up = await cli(['fs', 'url', '--upload', `${open}:${home(open)}/plain-up.txt`]);
    const posted = spawnSync('curl', ['-sS', '--fail', '-F', 'file=@-', up.stdout.trim()], { input: 'sent\n', encoding: 'utf8' });
    expect(posted.status, posted.stderr).toBe(0);
    expect(readFileSync(hostPath(open, `${home(open)}/plain-up.txt`), 'utf8')).toBe('sent\n');
  });

  it('--expires: the URL stops working after that long', async () => {
    writeFileSync(hostPath(sbx, `${home(sbx)}/url-exp.txt`), 'soon gone\n');
    const r = await cli(['fs', 'url', `${sbx}:${home(sbx)}/url-exp.txt`, '--expires', '1s']);
    expect(r.code, show(r)).toBe(0);
    const url = r.stdout.trim();
    const status = await pollUntil(
      'the URL to expire',
      async () => {
        const res = await fetch(url);
        await res.arrayBuffer();
        return res.status === 200 ? undefined : res.status;
      },
      15_000,
      200,
    );
    expect([401, 403]).toContain(status);
  });
});

describe(titled('fs watch'), () => {
  /** Creates probe files until the watcher reports one: then it is surely watching. */
  async function untilWatching(proc: CliProcess, dir: string): Promise<void> {
    let i = 0;
    await pollUntil(
      'the watcher to report a probe file',
      async () => {
        if (proc.done()) throw new Error(`fs watch ended: ${proc.stderr()}`);
        await sh(sbx, `echo probe > ${dir}/probe-${i++}`);
        return proc.stdout().toString().includes(`${dir}/probe-`) ? true : undefined;
      },
      30_000,
      200,
    );
  }

  const lines = (proc: CliProcess) => proc.stdout().toString().split('\n').filter(Boolean);

  it('one line per event (TYPE PATH), step by step, recursive; Ctrl-C exits 130', async () => {
    await sh(sbx, 'mkdir -p ~/watched/sub');
    const proc = spawnLocal(['fs', 'watch', '-r', `${sbx}:${home(sbx)}/watched`], { stdin: 'ignore' });
    await untilWatching(proc, `${home(sbx)}/watched`);
    const step = async (script: string, line: string) => {
      await sh(sbx, script);
      await proc.waitFor(() => lines(proc).includes(line));
    };
    await step('echo one > ~/watched/new.txt', `CREATE ${home(sbx)}/watched/new.txt`);
    await step('echo two >> ~/watched/new.txt', `WRITE ${home(sbx)}/watched/new.txt`);
    await step('chmod 600 ~/watched/new.txt', `CHMOD ${home(sbx)}/watched/new.txt`);
    await step('echo deep > ~/watched/sub/deep.txt', `CREATE ${home(sbx)}/watched/sub/deep.txt`);
    await step('rm ~/watched/new.txt', `REMOVE ${home(sbx)}/watched/new.txt`);
    for (const line of lines(proc)) expect(line).toMatch(new RegExp(`^(CREATE|WRITE|REMOVE|RENAME|CHMOD) ${reEscape(home(sbx))}/watched/\\S+$`));
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(130);
  });

  it('create, modify and remove in one exec: CREATE, WRITE, REMOVE (as inotify reports them), no RENAME', async () => {
    await sh(sbx, 'mkdir -p ~/watched-burst/sub');
    const proc = spawnLocal(['fs', 'watch', '-r', `${sbx}:${home(sbx)}/watched-burst`], { stdin: 'ignore' });
    await untilWatching(proc, `${home(sbx)}/watched-burst`);
    await sh(
      sbx,
      'echo one > ~/watched-burst/new.txt && echo two >> ~/watched-burst/new.txt && echo deep > ~/watched-burst/sub/deep.txt && rm ~/watched-burst/new.txt',
    );
    // a separate, later event marks the end of the burst's events
    await sh(sbx, 'echo end > ~/watched-burst/sentinel');
    await proc.waitFor(() => lines(proc).includes(`CREATE ${home(sbx)}/watched-burst/sentinel`));
    const all = lines(proc).join('\n');
    const about = lines(proc).filter((l) => l.endsWith('/new.txt'));
    expect(about[0], all).toBe(`CREATE ${home(sbx)}/watched-burst/new.txt`);
    expect(about, all).toContain(`WRITE ${home(sbx)}/watched-burst/new.txt`);
    expect(about[about.length - 1], all).toBe(`REMOVE ${home(sbx)}/watched-burst/new.txt`);
    expect(
      about.filter((l) => l.startsWith('CREATE ')),
      all,
    ).toHaveLength(1);
    expect(
      about.filter((l) => l.startsWith('RENAME ')),
      all,
    ).toEqual([]);
    expect(lines(proc)).toContain(`CREATE ${home(sbx)}/watched-burst/sub/deep.txt`);
    proc.child.kill('SIGINT');
    expect((await proc.exited).code).toBe(130);
  });

  it('a move within the folder: RENAME for the old name, CREATE for the new one', async () => {
    await sh(sbx, 'mkdir -p ~/watched-mv && echo x > ~/watched-mv/a.txt');
    const proc = spawnLocal(['fs', 'watch', `${sbx}:${home(sbx)}/watched-mv`], { stdin: 'ignore' });
    await untilWatching(proc, `${home(sbx)}/watched-mv`);
    await sh(sbx, 'mv ~/watched-mv/a.txt ~/watched-mv/b.txt');
    await proc.waitFor(() => lines(proc).includes(`CREATE ${home(sbx)}/watched-mv/b.txt`));
    const all = lines(proc).join('\n');
    expect(
      lines(proc).filter((l) => l.endsWith('/a.txt')),
      all,
    ).toEqual([`RENAME ${home(sbx)}/watched-mv/a.txt`]);
    proc.child.kill('SIGINT');
    expect((await proc.exited).code).toBe(130);
  });

  it('--json: one JSON object per line with type, name and path', async () => {
    await sh(sbx, 'mkdir -p ~/watched-json');
    const proc = spawnLocal(['fs', 'watch', '--json', `${sbx}:${home(sbx)}/watched-json`], { stdin: 'ignore' });
    await untilWatching(proc, `${home(sbx)}/watched-json`);
    await sh(sbx, 'echo hi > ~/watched-json/j.txt && rm ~/watched-json/j.txt');
    await proc.waitFor((out) => out.toString().includes('"remove"') && out.toString().includes('j.txt"'));
    const events = proc
      .stdout()
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; name: string; path: string });
    expect(events).toContainEqual({ type: 'create', name: 'j.txt', path: `${home(sbx)}/watched-json/j.txt` });
    expect(events).toContainEqual({ type: 'remove', name: 'j.txt', path: `${home(sbx)}/watched-json/j.txt` });
    proc.child.kill('SIGINT');
    expect((await proc.exited).code).toBe(130);
  });

  it('watching a missing folder is not found (3)', async () => {
    const r = await cli(['fs', 'watch', `${sbx}:${home(sbx)}/no-such-folder`]);
    expect(r.code, show(r)).toBe(3);
  });
});

describe(titled('fs: bad input'), () => {
  beforeAll(async () => {
    await sh(sbx, 'mkdir -p ~/bad && printf abc > ~/bad/file.txt');
  });

  it('local → local is a usage error (2)', async () => {
    const r = await cli(['fs', 'cp', tree, join(scratch, 'local-copy')]);
    expect(r.code, show(r)).toBe(2);
    expect(existsSync(join(scratch, 'local-copy'))).toBe(false);
  });

  it('a missing local source fails (usage error or not found) and creates nothing', async () => {
    const r = await cli(['fs', 'cp', join(scratch, 'no-such-file'), `${sbx}:${home(sbx)}/never`]);
    expect([2, 3], show(r)).toContain(r.code);
    expect(r.stderr).toMatch(/no-such-file/);
    expect(existsSync(hostPath(sbx, `${home(sbx)}/never`))).toBe(false);
  });

  it('a missing sandbox source is not found (3) and creates nothing locally', async () => {
    const dest = join(scratch, 'never-local');
    const r = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/no-such-file`, dest]);
    expect(r.code, show(r)).toBe(3);
    expect(existsSync(dest)).toBe(false);
    expect(temps(scratch)).toEqual([]);
  });

  it('fs cat of a missing file is not found (3), with nothing on stdout', async () => {
    const r = await cli(['fs', 'cat', `${sbx}:${home(sbx)}/no-such-file`]);
    expect(r.code, show(r)).toBe(3);
    expect(r.stdout).toBe('');
  });

  it('a destination under a file: one clear line naming the destination (not the temporary), exit 1, nothing left', async () => {
    for (const args of [
      ['fs', 'cp', join(tree, 'private.key'), `${sbx}:${home(sbx)}/bad/file.txt/sub/x.key`],
      ['fs', 'write', `${sbx}:${home(sbx)}/bad/file.txt/sub/y.txt`],
    ]) {
      const r = await cli(args);
      expect(r.code, show(r)).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, show(r)).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^error: .*${reEscape(home(sbx))}/bad/file\\.txt/sub/[xy]\\.(key|txt): not a directory$`));
      // (unisolated, the destination named is a host path under the backend's e2bts-test-* folder)
      expect(unnamed(r.stderr, home(sbx))).not.toMatch(/e2bts-|unexpected|\bat /);
      expect(temps(hostPath(sbx, `${home(sbx)}/bad`))).toEqual([]);
    }
  });

  it('a sandbox file the user cannot read: one line naming it and the user, exit 1, nothing left locally', async () => {
    const made = await cli([
      'exec',
      '--user',
      'root',
      sbx,
      '--',
      'sh',
      '-c',
      `printf secret > ${home(sbx)}/bad/secret && ${UNISOLATED ? '' : `chown root:root ${home(sbx)}/bad/secret && `}chmod 600 ${home(sbx)}/bad/secret`,
    ]);
    expect(made.code, show(made)).toBe(0);
    const dest = join(scratch, 'secret');
    const r = await cli(['fs', 'cp', `${sbx}:${home(sbx)}/bad/secret`, dest]);
    if ((await cli(['exec', sbx, '--', 'test', '-r', `${home(sbx)}/bad/secret`])).code === 0) {
      // unprivileged runtime (not root here) or unisolated (made without chown: its root is the
      // daemon's uid): root and user share one uid, so the user can read it
      console.log(
        'the sandbox user can read a root-only file here (unprivileged or unisolated runtime: root and user share one uid): checking the copy instead',
      );
      expect(r.code, show(r)).toBe(0);
      expect(readFileSync(dest, 'utf8')).toBe('secret');
      return;
    }
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr.trim()).toBe(`error: cannot read ${home(sbx)}/bad/secret in the sandbox as user: permission denied`);
    expect(existsSync(dest)).toBe(false);
    expect(temps(scratch)).toEqual([]);
  });

  it('~ and relative sandbox paths are under the user home for uploads, as envd reads them', async () => {
    for (const [dest, landed] of [
      ['~/tilde/k1', `${home(sbx)}/tilde/k1`],
      ['~', `${home(sbx)}/private.key`],
      ['rel/k2', `${home(sbx)}/rel/k2`],
    ]) {
      const r = await cli(['fs', 'cp', join(tree, 'private.key'), `${sbx}:${dest}`]);
      expect(r.code, show(r)).toBe(0);
      expect(readFileSync(hostPath(sbx, landed)).equals(readFileSync(join(tree, 'private.key'))), landed).toBe(true);
      expect(statSync(hostPath(sbx, landed)).mode & 0o777).toBe(statSync(join(tree, 'private.key')).mode & 0o777);
    }
  });

  it('an unknown sandbox is not found (3)', async () => {
    const r = await cli(['fs', 'cp', join(tree, 'private.key'), 'inosuchsandbox000000:/home/user/x']);
    expect(r.code, show(r)).toBe(3);
  });

  it('usage errors (2): one path only, several sources into a file, - into a local path, a local path for ls/cat, --parallel 0', async () => {
    const cases: string[][] = [
      ['fs', 'cp', `${sbx}:${home(sbx)}/bad`],
      ['fs', 'cp', join(tree, 'bin'), join(tree, 'private.key'), `${sbx}:${home(sbx)}/bad/file.txt`],
      ['fs', 'cp', '-', join(scratch, 'stdin-out')],
      ['fs', 'ls', './local-dir'],
      ['fs', 'cat', join(tree, 'private.key')],
      ['fs', 'cp', '--parallel', '0', tree, `${sbx}:${home(sbx)}/p0`],
    ];
    for (const args of cases) {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${show(r)}`).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    expect(existsSync(hostPath(sbx, `${home(sbx)}/p0`))).toBe(false);
    expect(existsSync(join(scratch, 'stdin-out'))).toBe(false);
  });

  it('a tar stream into a sandbox file is a usage error (2)', async () => {
    const p = bashLocal(`tar -c -f - -C ${q(tree)} bin | ${cliWord()} fs cp - ${sbx}:${home(sbx)}/bad/file.txt`);
    const exit = await p.exited;
    expect(exit.code, p.stderr()).toBe(2);
    expect(readFileSync(hostPath(sbx, `${home(sbx)}/bad/file.txt`), 'utf8')).toBe('abc');
  });
});
