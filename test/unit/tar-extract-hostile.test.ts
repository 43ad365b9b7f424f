/**
 * Chain 5 of the security issue (download escape): `extractSafely` against tar streams a hostile
 * sandbox could send, the kubectl cp / docker cp CVE family and the link chains that beat a
 * lexical check (`a -> .`, `b -> a/a/a/a/../../../../etc/hostname`). Each case extracts into
 * `base/dest` beside a sentinel folder `base/sentinel`, then checks: the sentinel and `base` are
 * untouched, no link in dest resolves (realpath) outside dest, exactly the expected entries were
 * refused, and dest holds exactly the expected tree. Legit trees must still extract exactly.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractSafely, type ExtractResult } from '../../src/cli/fs/tar.js';
import { linksOutside, treeOf } from '../helpers/trees.js';

interface Entry {
  name: string;
  type?: tarStream.Header['type'];
  linkname?: string;
  body?: string;
  mode?: number;
  mtime?: Date;
}

/** `$SENTINEL` in names and link targets: the sentinel folder's absolute path. */
const SENTINEL = '$SENTINEL';

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
      mtime: e.mtime ?? new Date(),
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
    };
    await new Promise<void>((resolve, reject) => pack.entry(header as tarStream.Header, e.body ?? '', (err) => (err ? reject(err) : resolve())));
  }
  pack.finalize();
  return bytes;
}

let base: string;
let dest: string;
let sentinel: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'e2bts-untar-'));
  dest = join(base, 'dest');
  sentinel = join(base, 'sentinel');
  mkdirSync(join(sentinel, 'sub'), { recursive: true });
  writeFileSync(join(sentinel, 'canary'), 'canary\n');
  writeFileSync(join(sentinel, 'sub', 'inner'), 'inner\n');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const SENTINEL_TREE = { canary: 'file:canary\n', sub: 'dir', 'sub/inner': 'file:inner\n' };

async function extract(entries: Entry[], opts?: { root: string }): Promise<ExtractResult> {
  const fill = (s: string | undefined) => s?.split(SENTINEL).join(sentinel);
  const tar = await tarOf(entries.map((e) => ({ ...e, name: fill(e.name)!, ...(e.linkname !== undefined ? { linkname: fill(e.linkname)! } : {}) })));
  // no third argument without a root, so the same calls run against the extractor before chain 5
  return opts ? extractSafely(Readable.from([tar]), dest, opts) : extractSafely(Readable.from([tar]), dest);
}

/** The checks every case ends with: nothing outside dest changed, no link out of dest. */
function assertContained(): void {
  expect(readdirSync(base).sort()).toEqual(['dest', 'sentinel']);
  expect(treeOf(sentinel)).toEqual(SENTINEL_TREE);
  expect(linksOutside(dest)).toEqual([]);
}

interface Case {
  name: string;
  entries: Entry[];
  /** Entry names refused, in any order. */
  refused: string[];
  /** The whole of dest afterwards (see treeOf). */
  tree: Record<string, string>;
}

const dir = (name: string): Entry => ({ name, type: 'directory' });
const file = (name: string, body = `${name}\n`): Entry => ({ name, body });
const link = (name: string, linkname: string): Entry => ({ name, type: 'symlink', linkname });
const hard = (name: string, linkname: string): Entry => ({ name, type: 'link', linkname });

const hostile: Case[] = [
  {
    name: 'absolute names',
    entries: [file('ok'), file(`${SENTINEL}/abs`), file('/etc/e2bts-abs')],
    refused: [`${SENTINEL}/abs`, '/etc/e2bts-abs'],
    tree: { ok: 'file:ok\n' },
  },
  {
    name: '".." in names',
    entries: [dir('d'), file('../x'), file('d/../../x'), file('d/../../sentinel/canary', 'overwritten\n')],
    refused: ['../x', 'd/../../x', 'd/../../sentinel/canary'],
    tree: { d: 'dir' },
  },
  {
    name: 'symlinks to absolute paths',
    entries: [link('etc', '/etc'), link('host', '/etc/hostname'), link('sen', SENTINEL)],
    refused: ['etc', 'host', 'sen'],
    tree: {},
  },
  {
    name: 'symlinks to ".." and above',
    entries: [dir('d'), link('up', '..'), link('d/up2', '../..'), link('d/can', '../../sentinel/canary')],
    refused: ['up', 'd/up2', 'd/can'],
    tree: { d: 'dir' },
  },
  {
    name: 'a symlink out, then a file through it (a -> /etc, a/passwd)',
    entries: [link('a', '/etc'), file('a/passwd', 'root::0:0::/:/bin/sh\n'), link('s', '../sentinel'), file('s/canary', 'overwritten\n')],
    refused: ['a', 's'],
    // with the links refused, the files land in real folders of those names
    tree: { a: 'dir', 'a/passwd': 'file:root::0:0::/:/bin/sh\n', s: 'dir', 's/canary': 'file:overwritten\n' },
  },
  {
    name: 'a symlink inside, then a file and a folder through it',
    entries: [dir('sub'), link('s', 'sub'), file('s/f'), dir('s/d'), file('s/d/g')],
    refused: ['s/f', 's/d', 's/d/g'],
    tree: { sub: 'dir', s: 'link:sub' },
  },
  {
    name: 'a symlink out, then a folder through it',
    entries: [link('a', '../sentinel'), dir('a/sub'), file('a/sub/inner', 'overwritten\n')],
    refused: ['a'],
    tree: { a: 'dir', 'a/sub': 'dir', 'a/sub/inner': 'file:overwritten\n' },
  },
  {
    name: 'a chain: a -> ., b -> a/a/a/a/../../../../etc/hostname',
    entries: [file('ok'), link('a', '.'), link('b', 'a/a/a/a/../../../../etc/hostname')],
    refused: ['b'],
    tree: { ok: 'file:ok\n', a: 'link:.' },
  },
  {
    name: 'a chain one level out: a -> ., b -> a/../sentinel/canary',
    entries: [link('a', '.'), link('b', 'a/../sentinel/canary')],
    refused: ['b'],
    tree: { a: 'link:.' },
  },
  {
    name: 'a chain through a link to "..": sub/up -> .., b -> sub/up/x/../../sentinel/canary',
    entries: [dir('sub'), dir('x'), link('sub/up', '..'), link('b', 'sub/up/x/../../sentinel/canary')],
    refused: ['b'],
    tree: { sub: 'dir', 'sub/up': 'link:..', x: 'dir' },
  },
  {
    name: 'a link redefined by a link: l -> sub/deep, b -> l/../sentinel/canary, then l -> .',
    entries: [dir('sub'), dir('sub/deep'), link('l', 'sub/deep'), link('b', 'l/../sentinel/canary'), link('l', '.')],
    refused: ['l'],
    tree: { sub: 'dir', 'sub/deep': 'dir', l: 'link:sub/deep', b: 'link:l/../sentinel/canary' },
  },
  {
    name: 'a link redefined as a folder, then as a file',
    entries: [dir('sub'), dir('sub/deep'), file('ok'), link('l', 'sub/deep'), link('b', 'l/../sentinel/canary'), dir('l'), file('l'), hard('l', 'ok')],
    refused: ['l', 'l', 'l'],
    tree: { sub: 'dir', 'sub/deep': 'dir', ok: 'file:ok\n', l: 'link:sub/deep', b: 'link:l/../sentinel/canary' },
  },
  {
    name: 'a missing component then "..", made to escape by a later link: b -> c/../sentinel/canary, c -> .',
    entries: [link('b', 'c/../sentinel/canary'), link('c', '.')],
    refused: ['b'],
    tree: { c: 'link:.' },
  },
  {
    name: 'links that wait for the whole tree: never settled, or their name taken meanwhile',
    entries: [link('n', 'nothere/../f'), file('f'), link('t', 'later/../f'), file('t'), dir('later')],
    refused: ['n', 't'],
    tree: { f: 'file:f\n', t: 'file:t\n', later: 'dir' },
  },
  {
    name: 'through a file as if it were a folder',
    entries: [file('f'), link('b', 'f/../x')],
    refused: ['b'],
    tree: { f: 'file:f\n' },
  },
  {
    name: 'hard links to outside, to a symlink, to a name not in the archive',
    entries: [
      dir('sub'),
      link('s', 'sub'),
      file('ok'),
      hard('h1', '../sentinel/canary'),
      hard('h2', `${SENTINEL}/canary`),
      hard('h3', '/etc/hostname'),
      hard('h4', 's'),
      hard('h5', 'nothere'),
      hard('h6', 'sub'),
    ],
    refused: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
    tree: { sub: 'dir', s: 'link:sub', ok: 'file:ok\n' },
  },
  {
    name: 'hard links to themselves (once removed the file before linking it: ENOENT)',
    entries: [file('x'), hard('x', 'x'), file('y'), hard('./y', 'y/')],
    refused: ['x', './y'],
    tree: { x: 'file:x\n', y: 'file:y\n' },
  },
  {
    name: 'a folder replaced by a symlink',
    entries: [dir('d'), file('d/f'), link('d', '../sentinel'), dir('e'), link('e', '.')],
    refused: ['d', 'e'],
    tree: { d: 'dir', 'd/f': 'file:d/f\n', e: 'dir' },
  },
  {
    name: 'symlink loops: a -> b, b -> a; c -> c; d -> d/x',
    entries: [link('a', 'b'), link('b', 'a'), link('c', 'c'), link('d', 'd/x')],
    refused: ['b', 'c', 'd'],
    tree: { a: 'link:b' },
  },
  {
    name: 'an empty target',
    entries: [link('e', '')],
    refused: ['e'],
    tree: {},
  },
];

const legit: Case[] = [
  {
    name: 'a link through a folder that comes later (x -> y/../f before y)',
    entries: [link('x', 'y/../f'), link('z', 'x'), dir('y'), file('f')],
    refused: [],
    tree: { x: 'link:y/../f', z: 'link:x', y: 'dir', f: 'file:f\n' },
  },
  {
    name: 'deep ".." inside a subfolder that stays inside',
    entries: [
      file('top.txt'),
      dir('s1'),
      dir('s1/s2'),
      dir('s1/s2/s3'),
      link('s1/s2/s3/l', '../../../top.txt'),
      link('s1/s2/up', '../..'),
      link('s1/s2/s3/d', '../../s2/./s3/../../s2'),
    ],
    refused: [],
    tree: {
      'top.txt': 'file:top.txt\n',
      s1: 'dir',
      's1/s2': 'dir',
      's1/s2/s3': 'dir',
      's1/s2/s3/l': 'link:../../../top.txt',
      's1/s2/s3/d': 'link:../../s2/./s3/../../s2',
      's1/s2/up': 'link:../..',
    },
  },
  {
    name: 'relative links to files and folders, ../sibling, chains inside, dangling inside, a hard link',
    entries: [
      dir('app'),
      dir('app/lib'),
      file('app/lib/a.js'),
      dir('app/bin'),
      link('app/bin/a', '../lib/a.js'),
      link('app/libs', 'lib'),
      link('app/via', 'libs/a.js'),
      link('app/bin/lib2', '../libs'),
      link('app/later', 'not-yet/x'),
      link('app/gone', 'missing/file'),
      dir('app/not-yet'),
      file('app/not-yet/x'),
      hard('app/lib/same.js', 'app/lib/a.js'),
      link('here', '.'),
      link('app/here-a', '../here/app/lib/a.js'),
    ],
    refused: [],
    tree: {
      app: 'dir',
      'app/lib': 'dir',
      'app/lib/a.js': 'file:app/lib/a.js\n',
      'app/lib/same.js': 'file:app/lib/a.js\n',
      'app/bin': 'dir',
      'app/bin/a': 'link:../lib/a.js',
      'app/bin/lib2': 'link:../libs',
      'app/libs': 'link:lib',
      'app/via': 'link:libs/a.js',
      'app/later': 'link:not-yet/x',
      'app/gone': 'link:missing/file',
      'app/not-yet': 'dir',
      'app/not-yet/x': 'file:app/not-yet/x\n',
      'app/here-a': 'link:../here/app/lib/a.js',
      here: 'link:.',
    },
  },
];

describe('extractSafely: hostile tar streams never reach outside the destination', () => {
  it.each(hostile)('$name', async ({ entries, refused, tree }) => {
    const result = await extract(entries);
    assertContained();
    expect(result.refused.map((r) => r.name).sort()).toEqual(refused.map((n) => n.split(SENTINEL).join(sentinel)).sort());
    expect(treeOf(dest)).toEqual(tree);
  });
});

describe('extractSafely: legit trees extract exactly', () => {
  it.each(legit)('$name', async ({ entries, refused, tree }) => {
    const result = await extract(entries);
    assertContained();
    expect(result.refused).toEqual(refused);
    expect(treeOf(dest)).toEqual(tree);
  });

  it('the links resolve where they say (files through links and a hard link are the same file)', async () => {
    await extract(legit.find((c) => c.name.startsWith('relative links'))!.entries);
    expect(readFileSync(join(dest, 'app/bin/a'), 'utf8')).toBe('app/lib/a.js\n');
    expect(readFileSync(join(dest, 'app/via'), 'utf8')).toBe('app/lib/a.js\n');
    expect(readFileSync(join(dest, 'app/later'), 'utf8')).toBe('app/not-yet/x\n');
    expect(readFileSync(join(dest, 'app/here-a'), 'utf8')).toBe('app/lib/a.js\n');
    expect(lstatSync(join(dest, 'app/lib/same.js')).ino).toBe(lstatSync(join(dest, 'app/lib/a.js')).ino);
  });

  it('a link that waited for the tree resolves where it says', async () => {
    await extract(legit[0].entries);
    expect(readFileSync(join(dest, 'z'), 'utf8')).toBe('f\n');
  });

  it('modes and mtimes are kept (set-id bits dropped)', async () => {
    const mtime = new Date('2021-02-03T04:05:06Z');
    await extract([
      { name: 'd', type: 'directory', mode: 0o750, mtime },
      { name: 'd/run', body: '#!/bin/sh\n', mode: 0o755, mtime },
      { name: 'd/secret', body: 's', mode: 0o600, mtime },
      { name: 'd/suid', body: 'x', mode: 0o4755, mtime },
    ]);
    for (const [name, mode] of [
      ['d', 0o750],
      ['d/run', 0o755],
      ['d/secret', 0o600],
      ['d/suid', 0o755],
    ] as const) {
      const st = lstatSync(join(dest, name));
      expect(st.mode & 0o7777, name).toBe(mode);
      expect(st.mtime.getTime(), name).toBe(mtime.getTime());
    }
  });
});

describe('extractSafely with a root (a download: the copied folder is moved into place alone)', () => {
  it('entries outside the root, links climbing out of it, and the root as a symlink are refused', async () => {
    const result = await extract(
      [
        dir('d'),
        file('d/f'),
        file('other'),
        dir('o'),
        link('d/x', '../o'),
        link('d/y', '../d/f'),
        link('d/z', 'f'),
        link('d/w', 'sub/../f'),
        dir('d/sub'),
        link('d', '.'),
      ],
      { root: 'd' },
    );
    assertContained();
    expect(result.refused.map((r) => r.name).sort()).toEqual(['d', 'd/x', 'd/y', 'o', 'other']);
    expect(treeOf(dest)).toEqual({ d: 'dir', 'd/f': 'file:d/f\n', 'd/z': 'link:f', 'd/w': 'link:sub/../f', 'd/sub': 'dir' });
    expect(linksOutside(join(dest, 'd'))).toEqual([]);
  });

  it('the root as a symlink is refused', async () => {
    const result = await extract([link('d', '.')], { root: 'd' });
    expect(result.refused.map((r) => r.name)).toEqual(['d']);
    expect(treeOf(dest)).toEqual({});
  });
});

describe('extractSafely: a truncated archive', () => {
  it('rejects with the parse error only once nothing more will be written (a large file was still opening)', async () => {
    // Before: the pipeline failed while the write stream was opening its file, and the file
    // appeared after the rejection, under the caller's clean-up (rm: ENOTEMPTY). A race, so
    // several rounds, each watching dest for a moment after the rejection.
    for (let round = 0; round < 10; round++) {
      const pack = tarStream.pack();
      const chunks: Buffer[] = [];
      pack.on('data', (c: unknown) => chunks.push(c as Buffer));
      pack.entry({ name: `big${round}`, type: 'file', size: 300_000 }).write(Buffer.alloc(1000));
      await new Promise((resolve) => setImmediate(resolve));
      const at = join(base, `dest${round}`);
      await expect(extractSafely(Readable.from([Buffer.concat(chunks)]), at)).rejects.toThrow(/Unexpected end of data/);
      const atRejection = readdirSync(at);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(readdirSync(at), `round ${round}`).toEqual(atRejection);
    }
  });
});

describe('extractSafely: once the whole tree is there, the filesystem has the last word', () => {
  it('a link that the tree as recorded calls dangling but that resolves outside on disk is removed and reported', async () => {
    // A destination not as fresh as promised: something the extractor did not make is already there.
    mkdirSync(dest);
    symlinkSync('../sentinel', join(dest, 'm'));
    const result = await extract([file('ok'), link('b', 'm/canary')]);
    expect(result.refused.map((r) => r.name)).toEqual(['b']);
    expect(treeOf(dest)).toEqual({ ok: 'file:ok\n', m: 'link:../sentinel' });
    expect(treeOf(sentinel)).toEqual(SENTINEL_TREE);
  });
});
