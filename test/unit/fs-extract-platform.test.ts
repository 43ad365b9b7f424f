/**
 * Issue 17: a download's tar stream extracted by the rules of the platform it lands on, run for
 * Windows and macOS on this machine through the platform seam: hostile names and link targets
 * (refused, the rest written), trees with names that differ only in case (reported, not written),
 * symlinks where the platform makes none (`--links auto|copy|skip|fail`), and a local tree walked
 * for an upload with Windows' rules (modes, links). Each case extracts into `base/dest` beside a
 * sentinel folder, which must stay untouched.
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopyError } from '../../src/cli/errors.js';
import { fsPlatform, type FsPlatform, type LinkPolicy } from '../../src/cli/fs/platform.js';
import { extractSafely, walkLocal, type ExtractResult } from '../../src/cli/fs/tar.js';
import { linksOutside, treeOf } from '../helpers/trees.js';

interface Entry {
  name: string;
  type?: tarStream.Header['type'];
  linkname?: string;
  body?: string | Buffer;
  mode?: number;
}

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const bytes = (async () => {
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  })();
  for (const e of entries) {
    const header = {
      name: e.name,
      type: e.type ?? 'file',
      mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644),
      mtime: new Date(),
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
    };
    await new Promise<void>((resolve, reject) => pack.entry(header as tarStream.Header, e.body ?? '', (err) => (err ? reject(err) : resolve())));
  }
  pack.finalize();
  return bytes;
}

const dir = (name: string, mode?: number): Entry => ({ name, type: 'directory', ...(mode !== undefined ? { mode } : {}) });
const file = (name: string, body: string | Buffer = `${name}\n`): Entry => ({ name, body });
const link = (name: string, linkname: string): Entry => ({ name, type: 'symlink', linkname });

let base: string;
let dest: string;
let sentinel: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'e2bts-plat-'));
  dest = join(base, 'dest');
  sentinel = join(base, 'sentinel');
  mkdirSync(sentinel);
  writeFileSync(join(sentinel, 'canary'), 'canary\n');
});
afterEach(() => {
  // read-only folders of a test tree would stop the clean-up
  const writable = (path: string) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return;
    chmodSync(path, 0o755);
    for (const name of readdirSync(path)) writable(join(path, name));
  };
  writable(base);
  rmSync(base, { recursive: true, force: true });
});

async function extract(entries: Entry[], opts: { platform: FsPlatform; root?: string; links?: LinkPolicy; foldCase?: boolean }): Promise<ExtractResult> {
  return extractSafely(Readable.from([await tarOf(entries)]), dest, opts);
}

function assertContained(): void {
  expect(readdirSync(base).sort()).toEqual(['dest', 'sentinel']);
  expect(treeOf(sentinel)).toEqual({ canary: 'file:canary\n' });
  expect(linksOutside(dest)).toEqual([]);
}

const win32 = fsPlatform('win32');
const linux = fsPlatform('linux');
/** Windows without Developer Mode: every symlink fails with EPERM. */
const win32NoLinks = fsPlatform('win32', { symlinks: false });
const linuxNoLinks = fsPlatform('linux', { symlinks: false });

describe('hostile names and link targets, landing on Windows', () => {
  it('every Windows-only hostile form is refused, named with its reason; the legit entries are written', async () => {
    const result = await extract(
      [
        dir('t'),
        file('t/ok.txt'),
        file('t/a\\b'),
        file('t/..\\..\\x'),
        file('t/C:\\x'),
        file('t/x:y'),
        file('t/file.txt:stream'),
        file('t/\\\\host\\share\\x'),
        file('t/\\Windows\\x'),
        file('t/CON'),
        file('t/nul.txt'),
        file('t/COM1.tar.gz'),
        file('t/LPT9'),
        file('t/a<b'),
        file('t/q?'),
        file('t/star*'),
        file('t/pipe|'),
        file('t/quote"'),
        file('t/ctl\u0001'),
        file('t/dot.'),
        file('t/space '),
        dir('t/AUX'),
        file('t/AUX/inside'),
        link('t/up', '..\\..\\x'),
        link('t/unc', '\\\\host\\share'),
        link('t/rooted', '\\Windows'),
        link('t/drive', 'C:\\Windows'),
        link('t/dev', 'CON'),
        link('t/ok-link', 'ok.txt'),
      ],
      { platform: win32, root: 't' },
    );
    expect(Object.fromEntries(result.refused.map((r) => [r.name, r.reason]))).toEqual({
      't/a\\b': 'the name has a part "a\\b" that contains "\\", a folder separator on Windows',
      't/..\\..\\x': 'the name contains "..\\", which climbs out on Windows',
      't/C:\\x': 'the name has a part "C:\\x" that contains "\\", a folder separator on Windows',
      't/x:y': 'the name has a part "x:y" that contains ":", which Windows reads as a drive or an alternate data stream',
      't/file.txt:stream': 'the name has a part "file.txt:stream" that contains ":", which Windows reads as a drive or an alternate data stream',
      't/\\\\host\\share\\x': 'the name has a part "\\\\host\\share\\x" that contains "\\", a folder separator on Windows',
      't/\\Windows\\x': 'the name has a part "\\Windows\\x" that contains "\\", a folder separator on Windows',
      't/CON': 'the name has a part "CON" that is a device name on Windows (CON, reserved with any extension)',
      't/nul.txt': 'the name has a part "nul.txt" that is a device name on Windows (NUL, reserved with any extension)',
      't/COM1.tar.gz': 'the name has a part "COM1.tar.gz" that is a device name on Windows (COM1, reserved with any extension)',
      't/LPT9': 'the name has a part "LPT9" that is a device name on Windows (LPT9, reserved with any extension)',
      't/a<b': 'the name has a part "a<b" that contains "<", which Windows does not allow in names',
      't/q?': 'the name has a part "q?" that contains "?", which Windows does not allow in names',
      't/star*': 'the name has a part "star*" that contains "*", which Windows does not allow in names',
      't/pipe|': 'the name has a part "pipe|" that contains "|", which Windows does not allow in names',
      't/quote"': 'the name has a part "quote"" that contains """, which Windows does not allow in names',
      't/ctl\u0001': 'the name has a part "ctl\u0001" that contains a control character, which Windows does not allow in names',
      't/dot.': 'the name has a part "dot." that ends with a dot or a space, which Windows drops (it would name another file)',
      't/space ': 'the name has a part "space " that ends with a dot or a space, which Windows drops (it would name another file)',
      't/AUX': 'the name has a part "AUX" that is a device name on Windows (AUX, reserved with any extension)',
      't/AUX/inside': 'the name has a part "AUX" that is a device name on Windows (AUX, reserved with any extension)',
      't/up': 'symlink to ..\\..\\x contains "\\", a folder separator on Windows (where it could lead elsewhere)',
      't/unc': 'symlink to \\\\host\\share is a network path (\\\\host\\share)',
      't/rooted': 'symlink to \\Windows is rooted (\\...: the top of the drive on Windows)',
      't/drive': 'symlink to C:\\Windows is a drive path (C:...)',
      't/dev': 'symlink to CON has a part "CON" that is a device name on Windows (CON, reserved with any extension)',
    });
    expect(treeOf(dest)).toEqual({ t: 'dir', 't/ok.txt': 'file:t/ok.txt\n', 't/ok-link': 'link:ok.txt' });
    assertContained();
  });

  it('the same stream landing on Linux keeps every name that is a name there (backslashes, colons, device names)', async () => {
    const result = await extract([dir('t'), file('t/a\\b'), file('t/x:y'), file('t/CON'), file('t/dot.'), link('t/up', '..\\..\\x'), link('t/dev', 'CON')], {
      platform: linux,
      root: 't',
    });
    expect(result.refused).toEqual([]);
    expect(treeOf(dest)).toEqual({
      t: 'dir',
      't/a\\b': 'file:t/a\\b\n',
      't/x:y': 'file:t/x:y\n',
      't/CON': 'file:t/CON\n',
      't/dot.': 'file:t/dot.\n',
      // a name in t on Linux, dangling: it leads nowhere outside
      't/up': 'link:..\\..\\x',
      't/dev': 'link:CON',
    });
    assertContained();
  });
});

describe('names that differ only in case', () => {
  const tree = [
    dir('p'),
    file('p/README'),
    file('p/readme', 'the other one\n'),
    dir('p/docs'),
    file('p/docs/a'),
    dir('p/Docs'),
    file('p/Docs/b'),
    link('p/LINK', 'README'),
    link('p/link', 'docs'),
  ];

  it('a destination that ignores case gets each first name only; every later clash is reported, nothing replaced', async () => {
    const result = await extract(tree, { platform: win32, root: 'p', foldCase: true });
    expect(result.collisions).toEqual([
      { name: 'p/readme', clashesWith: 'p/README' },
      { name: 'p/Docs', clashesWith: 'p/docs' },
      { name: 'p/link', clashesWith: 'p/LINK' },
    ]);
    expect(treeOf(dest)).toEqual({ p: 'dir', 'p/README': 'file:p/README\n', 'p/docs': 'dir', 'p/docs/a': 'file:p/docs/a\n', 'p/LINK': 'link:README' });
    assertContained();
  });

  it('macOS also takes the two Unicode forms of a name for one', async () => {
    const result = await extract([dir('p'), file('p/caf\u00e9'), file('p/cafe\u0301')], { platform: fsPlatform('darwin'), root: 'p', foldCase: true });
    expect(result.collisions).toEqual([{ name: 'p/cafe\u0301', clashesWith: 'p/caf\u00e9' }]);
  });

  it('a case-sensitive destination takes them all', async () => {
    const result = await extract(tree, { platform: win32, root: 'p', foldCase: false });
    expect(result.collisions).toEqual([]);
    expect(Object.keys(treeOf(dest)).sort()).toEqual(['p', 'p/Docs', 'p/Docs/b', 'p/LINK', 'p/README', 'p/docs', 'p/docs/a', 'p/link', 'p/readme']);
  });
});

describe('symlinks where the platform makes none (Windows without Developer Mode)', () => {
  const tree = [
    dir('app'),
    dir('app/lib', 0o750),
    file('app/lib/a.js', 'code\n'),
    dir('app/lib/deep'),
    file('app/lib/deep/b.js', 'deep\n'),
    link('app/lib/deep/up', '../a.js'),
    dir('app/bin'),
    link('app/bin/a', '../lib/a.js'),
    link('app/libs', 'lib'),
    link('app/via', 'libs/a.js'),
    link('app/dangling', 'missing/file'),
    link('app/self', '.'),
    link('app/lib/loop', '..'),
  ];

  it('auto (the default): links where they cannot be made are copies of what they lead to; dangling links and loops are left out with why', async () => {
    const result = await extract(tree, { platform: win32NoLinks, root: 'app' });
    expect(result.refused).toEqual([]);
    expect(result.linksUnavailable).toBe('EPERM');
    expect(result.linksCopied.sort()).toEqual(['app/bin/a', 'app/lib/deep/up', 'app/libs', 'app/via']);
    expect(result.linksSkipped.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'app/dangling', reason: 'leads to nothing in the copy (a dangling link cannot be copied)' },
      { name: 'app/lib/loop', reason: 'leads to a folder that contains it (its copy would never end)' },
      { name: 'app/lib/loop (in the copy at app/libs/loop)', reason: 'leads to a folder that contains it (its copy would never end)' },
      { name: 'app/self', reason: 'leads to a folder that contains it (its copy would never end)' },
    ]);
    expect(treeOf(dest)).toEqual({
      app: 'dir',
      'app/bin': 'dir',
      'app/bin/a': 'file:code\n',
      'app/lib': 'dir',
      'app/lib/a.js': 'file:code\n',
      'app/lib/deep': 'dir',
      'app/lib/deep/b.js': 'file:deep\n',
      'app/lib/deep/up': 'file:code\n',
      'app/libs': 'dir',
      'app/libs/a.js': 'file:code\n',
      'app/libs/deep': 'dir',
      'app/libs/deep/b.js': 'file:deep\n',
      'app/libs/deep/up': 'file:code\n',
      'app/via': 'file:code\n',
    });
    // the copy of a folder has its mode
    expect(statSync(join(dest, 'app/libs')).mode & 0o777).toBe(0o750);
    // the verified digests are the archive's files only, not the copies
    expect([...result.digests.keys()].sort()).toEqual(['app/lib/a.js', 'app/lib/deep/b.js']);
    assertContained();
  });

  it('Windows makes folder links and file links apart: each is made as what it finally leads to, after the whole tree came', async () => {
    const made: string[] = [];
    const recording: FsPlatform = {
      ...win32,
      symlink(target, at, kind) {
        made.push(`${at.slice(dest.length + 1)} -> ${target} (${kind})`);
        win32.symlink(target, at, kind);
      },
    };
    // the links come before what they lead to, as tar may order them
    await extract(
      [
        dir('w'),
        link('w/to-dir', 'later'),
        link('w/chain', 'to-dir'),
        link('w/to-file', 'later/f'),
        link('w/nowhere', 'missing'),
        dir('w/later'),
        file('w/later/f'),
      ],
      {
        platform: recording,
        root: 'w',
      },
    );
    expect(made.sort()).toEqual(['w/chain -> to-dir (dir)', 'w/nowhere -> missing (undefined)', 'w/to-dir -> later (dir)', 'w/to-file -> later/f (file)']);
  });

  it('auto where links can be made: they are links, exactly as in the archive', async () => {
    const result = await extract(tree, { platform: linux, root: 'app' });
    expect(result).toMatchObject({ refused: [], linksCopied: [], linksSkipped: [] });
    expect(treeOf(dest)['app/libs']).toBe('link:lib');
    expect(treeOf(dest)['app/self']).toBe('link:.');
  });

  it('copy: copies even where links can be made', async () => {
    const result = await extract(tree, { platform: linux, root: 'app', links: 'copy' });
    expect(result.linksUnavailable).toBeUndefined();
    expect(result.linksCopied.sort()).toEqual(['app/bin/a', 'app/lib/deep/up', 'app/libs', 'app/via']);
    expect(Object.values(treeOf(dest)).filter((kind) => kind.startsWith('link:'))).toEqual([]);
  });

  it('skip: no link and no copy, each named', async () => {
    const result = await extract(tree, { platform: win32NoLinks, root: 'app', links: 'skip' });
    expect(result.linksCopied).toEqual([]);
    expect(result.linksSkipped.map((s) => s.name).sort()).toEqual([
      'app/bin/a',
      'app/dangling',
      'app/lib/deep/up',
      'app/lib/loop',
      'app/libs',
      'app/self',
      'app/via',
    ]);
    expect(result.linksSkipped.every((s) => s.reason === 'not created (--links skip)')).toBe(true);
    expect(treeOf(dest)).toEqual({
      app: 'dir',
      'app/bin': 'dir',
      'app/lib': 'dir',
      'app/lib/a.js': 'file:code\n',
      'app/lib/deep': 'dir',
      'app/lib/deep/b.js': 'file:deep\n',
    });
  });

  it('fail: rejects with one line that says what to do (the caller drops the folder: nothing half-copied reaches the user)', async () => {
    const error = await extract(tree, { platform: win32NoLinks, root: 'app', links: 'fail' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopyError);
    expect((error as Error).message).toBe(
      'cannot create the symlink app/lib/deep/up here (EPERM, as on Windows without Developer Mode or an administrator); nothing was copied: --links copy or --links skip copies without symlinks',
    );
    const onLinux = await extract([dir('x'), link('x/l', '.')], { platform: linuxNoLinks, root: 'x', links: 'fail' }).catch((e: unknown) => e);
    expect((onLinux as Error).message).toBe(
      'cannot create the symlink x/l here (EPERM); nothing was copied: --links copy or --links skip copies without symlinks',
    );
  });

  it('copies of copies cannot multiply a download without end: past twice its size they are left out whole', async () => {
    // 1 MiB, then five levels of folders holding three links each to the level below: 243 MiB as copies
    const entries: Entry[] = [dir('b'), dir('b/l0'), file('b/l0/data', Buffer.alloc(1 << 20, 7))];
    for (let level = 1; level <= 5; level++) {
      entries.push(dir(`b/l${level}`));
      for (const n of [1, 2, 3]) entries.push(link(`b/l${level}/c${n}`, `../l${level - 1}`));
    }
    const result = await extract(entries, { platform: win32NoLinks, root: 'b' });
    const over = result.linksSkipped.filter((s) => s.reason === 'copying what it leads to would make the download more than twice its size');
    expect(over.length).toBeGreaterThan(0);
    // every link is either a whole copy or absent: no half-made folder
    const tree = treeOf(dest);
    for (const name of result.linksCopied) expect(tree[name], name).toBeDefined();
    for (const skipped of over) expect(tree[skipped.name], skipped.name).toBeUndefined();
    const bytes = Object.values(tree).filter((kind) => kind.startsWith('file:')).length << 20;
    expect(bytes).toBeLessThanOrEqual((1 << 20) + 64 * (1 << 20) + (1 << 20));
  });
});

describe('a local tree walked for an upload with the rules of its platform', () => {
  it("Windows: modes from Node's pseudo-modes, links rewritten to POSIX, links out of the tree refused with why", async () => {
    const tree = join(base, 'tree');
    mkdirSync(join(tree, 'lib'), { recursive: true });
    writeFileSync(join(tree, 'lib', 'a.js'), 'code\n');
    writeFileSync(join(tree, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(tree, 'run.sh'), 0o755);
    writeFileSync(join(tree, 'ro.txt'), 'ro\n');
    chmodSync(join(tree, 'ro.txt'), 0o444);
    chmodSync(join(tree, 'lib'), 0o700);
    symlinkSync('lib/a.js', join(tree, 'rel'));
    symlinkSync(join(tree, 'lib', 'a.js'), join(tree, 'abs-inside'));
    symlinkSync(join(sentinel, 'canary'), join(tree, 'abs-outside'));
    const refused: Array<{ name: string; reason: string }> = [];
    // the rules of Windows over this machine's paths (path.win32 reads "/" as a separator too)
    const entries = await walkLocal(tree, { platform: win32, refused });
    const byRel = Object.fromEntries(entries.map((e) => [e.rel, e.type === 'symlink' ? `link:${e.linkTarget}` : `${e.type}:${e.mode.toString(8)}`]));
    expect(byRel).toEqual({
      tree: 'dir:755',
      'tree/abs-inside': 'link:lib/a.js',
      'tree/lib': 'dir:755',
      'tree/lib/a.js': 'file:644',
      'tree/rel': 'link:lib/a.js',
      'tree/ro.txt': 'file:444',
      'tree/run.sh': 'file:644',
    });
    expect(refused).toEqual([
      {
        name: join(tree, 'abs-outside'),
        reason: `a symlink that leads to ${join(sentinel, 'canary')}, outside the folder being uploaded (the sandbox cannot see it)`,
      },
    ]);
  });

  it('Linux: modes and links as they are', async () => {
    const tree = join(base, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(tree, 'run.sh'), 0o750);
    symlinkSync(join(sentinel, 'canary'), join(tree, 'abs'));
    const refused: Array<{ name: string; reason: string }> = [];
    const entries = await walkLocal(tree, { platform: linux, refused });
    expect(entries.find((e) => e.rel === 'tree/run.sh')?.mode).toBe(0o750);
    expect(entries.find((e) => e.rel === 'tree/abs')?.linkTarget).toBe(join(sentinel, 'canary'));
    expect(refused).toEqual([]);
  });
});
