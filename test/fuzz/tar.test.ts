/**
 * The tar reader of `fs cp` downloads (src/cli/fs/tar.ts `extractSafely`) under generated
 * archives a hostile sandbox could send: files, folders, symlinks with hostile targets (`..`
 * chains, absolute, links to links, loops), hard links, devices, FIFOs, repeated names, names
 * with `..`, absolute, NUL or backslash, in any order; then the same archives with their headers
 * rewritten (sizes, types, names, links) and checksums fixed so the parser reads them.
 *
 * Each run extracts into `base/dest` beside `base/sentinel`. Whatever the archive, afterwards:
 * `base` holds only those two, the sentinel is unchanged to the inode (content, mode, mtime,
 * link count), dest holds only files, folders and symlinks, none set-id, none a hard link to a
 * sentinel file, and no symlink in it resolves (by the kernel) outside it.
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { extractSafely, type ExtractOptions, type ExtractResult } from '../../src/cli/fs/tar.js';
import { linksOutside, treeOf } from '../helpers/trees.js';
import { fuzz } from './config.js';

/** Placeholders in names and link targets for the absolute paths of this run's folders. */
const BASE = '$BASE';
const SENTINEL = '$SENTINEL';

interface Entry {
  name: string;
  type: tarStream.Header['type'];
  linkname?: string;
  body?: string;
  mode: number;
  /** Encode the names as pax records, where a NUL or a newline survives. */
  pax?: boolean;
}

// A handful of names, so entries collide, nest in each other and link to each other often.
const part = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c') },
  { weight: 3, arbitrary: fc.constantFrom('.', '..', '') },
  { weight: 1, arbitrary: fc.constantFrom('A', 'é', 'a\\b', '..\\..', 'x y', '\\', '-', '\n', '...', ' ') },
);
const relative = fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const entryName = fc.oneof(
  { weight: 10, arbitrary: relative },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(`${BASE}/`, `${SENTINEL}/`, `${BASE}/dest/`, '//'), relative).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.tuple(relative, relative).map(([a, b]) => `${a}\0${b}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('C:', 'c:\\', 'C:/'), relative).map((p) => p.join('')) },
);

/** `arb` with weight `yes`, undefined with weight `no`. */
const sometimes = <T>(arb: fc.Arbitrary<T>, yes: number, no: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: yes, arbitrary: arb }, { weight: no, arbitrary: fc.constant(undefined) });

/**
 * A link target: fixed hostile ones, or one made from the name of another entry of the same
 * archive (by index), then climbing `up` levels to `rest`: `l/../../sentinel` through a link
 * `l`, or through a name that comes later as a link or a folder. Random names rarely meet.
 */
type TargetSpec = string | { entry: number; up: number; rest: string };
const targetSpec: fc.Arbitrary<TargetSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ entry: fc.nat(), up: fc.nat(4), rest: fc.constantFrom('', 'sentinel', 'sentinel/canary', 'a', 'b/c') }) },
  { weight: 3, arbitrary: relative },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom('', 'sentinel', 'sentinel/canary', 'dest', 'dest/a', 'a', '..'))
      .map(([n, rest]) => '../'.repeat(n) + rest),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      SENTINEL,
      `${SENTINEL}/canary`,
      `${SENTINEL}/sub`,
      BASE,
      `${BASE}/dest`,
      '/',
      '/etc',
      '/etc/hostname',
      '',
      '.',
      './',
      'C:\\',
      'a/../..',
      'a/a/a/../../../..',
    ),
  },
  { weight: 1, arbitrary: fc.tuple(relative, relative).map(([a, b]) => `${a}\0${b}`) },
);
const mode = fc.constantFrom(0o644, 0o755, 0o600, 0o000, 0o777, 0o4755, 0o2755, 0o6777, 0o1777, 0o444, 0o111);
type RawEntry = Omit<Entry, 'linkname'> & { link?: TargetSpec };
const rawEntry: fc.Arbitrary<RawEntry> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ name: entryName, type: fc.constantFrom('file', 'contiguous-file'), body: fc.string({ maxLength: 12 }), mode, pax: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ name: entryName, type: fc.constant('directory'), mode, pax: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ name: entryName, type: fc.constant('symlink'), link: targetSpec, mode, pax: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ name: entryName, type: fc.constant('link'), link: targetSpec, mode, pax: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ name: entryName, type: fc.constantFrom('character-device', 'block-device', 'fifo'), mode, pax: fc.boolean() }) },
) as fc.Arbitrary<RawEntry>;
const broadEntries: fc.Arbitrary<Entry[]> = fc.array(rawEntry, { minLength: 1, maxLength: 8 }).map((raw) =>
  raw.map(({ link, ...e }) => {
    if (link === undefined) return e;
    if (typeof link === 'string') return { ...e, linkname: link };
    const through = raw[link.entry % raw.length].name;
    return { ...e, linkname: link.up === 0 ? through : `${through}/${'../'.repeat(link.up)}${link.rest}` };
  }),
);

/**
 * Link chains over a few nested names, where links meet by construction: a link that goes
 * through a name and climbs (`x -> a/../sentinel/canary`), with that name made before it, after
 * it, or both (as a folder, a file, or a link to `.`, `..` or another name), among a few other
 * entries over the same names. This is the family that beats a lexical check: the answer
 * depends on entries the link does not name, in an order the archive chooses.
 */
const POOL = ['a', 'b', 'a/b'];
const pooled = fc.constantFrom(...POOL);
const chainTarget = fc.oneof(
  { weight: 1, arbitrary: pooled },
  { weight: 3, arbitrary: fc.constantFrom('.', '..', 'a/..') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(pooled, fc.integer({ min: 1, max: 3 }), fc.constantFrom('sentinel/canary', ''))
      .map(([through, up, rest]) => `${through}/${'../'.repeat(up)}${rest}`),
  },
);
const entryNamed = (name: string): fc.Arbitrary<Entry> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant({ name, type: 'directory', mode: 0o755 } as Entry) },
    { weight: 1, arbitrary: fc.constant({ name, type: 'file', body: 'x', mode: 0o644 } as Entry) },
    { weight: 4, arbitrary: chainTarget.map((linkname): Entry => ({ name, type: 'symlink', linkname, mode: 0o777 })) },
    { weight: 1, arbitrary: pooled.map((linkname): Entry => ({ name, type: 'link', linkname, mode: 0o644 })) },
  );
const chainEntry: fc.Arbitrary<Entry> = pooled.chain(entryNamed);
const chainEntries: fc.Arbitrary<Entry[]> = fc
  .record({
    through: pooled,
    link: fc.constantFrom('x', 'y', 'a/x', 'b/y'),
    // climbing as many levels as the name is deep, or one more
    up: fc.integer({ min: 0, max: 1 }),
    rest: fc.constantFrom('sentinel/canary', ''),
    // a folder first, for links made before the climb to lead into
    folder: sometimes(
      pooled.map((name): Entry => ({ name, type: 'directory', mode: 0o755 })),
      1,
      1,
    ),
    noise: fc.array(fc.tuple(fc.nat(), chainEntry), { maxLength: 3 }),
  })
  .chain(({ through, link, up, rest, folder, noise }) =>
    fc
      .tuple(
        fc.oneof(
          { weight: 2, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: entryNamed(through) },
          // a link into the folder, which the climb then leaves: replaced later, it would move the climb
          {
            weight: folder && folder.name !== through ? 1 : 0,
            arbitrary: fc.constant({ name: through, type: 'symlink', linkname: folder?.name ?? '.', mode: 0o777 } as Entry),
          },
        ),
        sometimes(entryNamed(through), 5, 1),
      )
      .map(([before, after]) => {
        const climb = '../'.repeat(through.split('/').length + up);
        const core = [before, { name: link, type: 'symlink', linkname: `${through}/${climb}${rest}`, mode: 0o777 } as Entry, after].filter(
          (e): e is Entry => e !== undefined,
        );
        const mixed = noise.reduce((list, [at, e]) => {
          const i = at % (list.length + 1);
          return [...list.slice(0, i), e, ...list.slice(i)];
        }, core);
        return folder ? [folder, ...mixed] : mixed;
      }),
  );
const entries = fc.oneof({ weight: 1, arbitrary: broadEntries }, { weight: 2, arbitrary: chainEntries });
const archive = fc.record({ entries, root: sometimes(fc.constant('a'), 1, 2) });

async function pack(list: Entry[]): Promise<Buffer> {
  const out = tarStream.pack();
  const bytes = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of out) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })();
  for (const e of list) {
    const header: Partial<tarStream.Header> & { name: string } = {
      name: e.name,
      type: e.type,
      mode: e.mode,
      mtime: new Date(1_700_000_000_000),
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
      ...(e.type === 'character-device' || e.type === 'block-device' ? { devmajor: 1, devminor: 3 } : {}),
      // tar-stream writes an empty pax record for an empty name and link, and then cannot read
      // its own archive ("Unexpected end of data"): a parse error, left to the rewritten-headers run
      ...(e.pax && (e.name || e.linkname) ? { pax: {} } : {}),
    };
    await new Promise<void>((resolve, reject) => out.entry(header, e.body ?? '', (err) => (err ? reject(err) : resolve())));
  }
  out.finalize();
  return bytes;
}

/** A fresh `base` with a sentinel folder beside where dest will be. */
function makeBase(): { base: string; dest: string; sentinel: string; fill: (s: string) => string } {
  const base = mkdtempSync(join(tmpdir(), 'e2bts-fuzz-untar-'));
  const sentinel = join(base, 'sentinel');
  mkdirSync(join(sentinel, 'sub'), { recursive: true });
  writeFileSync(join(sentinel, 'canary'), 'canary\n');
  writeFileSync(join(sentinel, 'sub', 'inner'), 'inner\n');
  const fill = (s: string) => s.split(SENTINEL).join(sentinel).split(BASE).join(base);
  return { base, dest: join(base, 'dest'), sentinel, fill };
}

/** Everything about a tree that a write through it could change, by relative path. */
function fingerprint(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      const what = st.isSymbolicLink() ? `link:${readlinkSync(path)}` : st.isDirectory() ? 'dir' : `file:${readFileSync(path, 'utf8')}`;
      out[r] = `${what} mode=${st.mode.toString(8)} mtime=${st.mtimeMs} nlink=${st.nlink} ino=${st.ino}`;
      if (st.isDirectory()) visit(path, r);
    }
  };
  visit(root, '');
  return out;
}

/**
 * Checks what dest holds (kinds, set-id bits, hard links), then opens every folder and file to
 * its owner so the tree can be walked and removed (a mode of 000 is legitimate in an archive).
 */
function checkAndOpenUp(dest: string, sentinelInodes: Set<number>): void {
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = lstatSync(path);
      expect(st.isFile() || st.isDirectory() || st.isSymbolicLink(), `${path} is a file, a folder or a symlink`).toBe(true);
      if (st.isSymbolicLink()) continue;
      expect(st.mode & 0o6000, `${path} has no set-id bit`).toBe(0);
      if (st.isFile()) expect(sentinelInodes.has(st.ino), `${path} is not a hard link to a sentinel file`).toBe(false);
      chmodSync(path, (st.mode & 0o7777) | (st.isDirectory() ? 0o700 : 0o600));
      if (st.isDirectory()) visit(path);
    }
  };
  visit(dest);
}

/** What must hold after any extraction, finished or failed. */
function expectContained(run: ReturnType<typeof makeBase>, sentinelBefore: Record<string, string>, root: string | undefined): void {
  expect(readdirSync(run.base).sort()).toEqual(['dest', 'sentinel']);
  expect(fingerprint(run.sentinel)).toEqual(sentinelBefore);
  const inodes = new Set(Object.values(sentinelBefore).map((s) => Number(/ino=(\d+)/.exec(s)![1])));
  checkAndOpenUp(run.dest, inodes);
  expect(linksOutside(run.dest)).toEqual([]);
  if (root !== undefined) {
    // a download keeps only its root folder: nothing beside it, no link in it out of it
    expect(readdirSync(run.dest).filter((n) => n !== root)).toEqual([]);
    if (readdirSync(run.dest).includes(root) && lstatSync(join(run.dest, root)).isDirectory()) expect(linksOutside(join(run.dest, root))).toEqual([]);
  }
}

/** Extracts `bytes` (placeholders filled) in a fresh base and checks containment; returns what extractSafely gave. */
async function extractContained(
  bytesOf: (fill: (s: string) => string) => Promise<Buffer>,
  root: string | undefined,
): Promise<ExtractResult | { error: Error }> {
  const run = makeBase();
  try {
    const sentinelBefore = fingerprint(run.sentinel);
    const bytes = await bytesOf(run.fill);
    const opts: ExtractOptions = root === undefined ? {} : { root };
    let result: ExtractResult | { error: Error };
    try {
      result = await extractSafely(Readable.from([bytes]), run.dest, opts);
    } catch (error) {
      result = { error: error as Error };
    }
    expectContained(run, sentinelBefore, root);
    return result;
  } finally {
    rmSync(run.base, { recursive: true, force: true });
  }
}

const fillEntries = (entries: Entry[], fill: (s: string) => string) =>
  entries.map((e) => ({ ...e, name: fill(e.name), ...(e.linkname !== undefined ? { linkname: fill(e.linkname) } : {}) }));

/** The messages tar-stream rejects a malformed archive with: the only errors extractSafely may end with. */
const TAR_ERRORS = /^(Invalid tar header|Invalid header|Unexpected end of data|Header exceeds max size)/;

/** Rewrites fields of the header blocks of a packed archive and fixes their checksums, so the parser reads what was written. */
interface HeaderEdit {
  /** Which header block (modulo their number). */
  block: number;
  field: 'name' | 'mode' | 'size' | 'type' | 'linkname' | 'prefix';
  value: string;
}
const FIELDS = { name: [0, 100], mode: [100, 8], size: [124, 12], type: [156, 1], linkname: [157, 100], prefix: [345, 155] } as const;

function editHeaders(tar: Buffer, edits: HeaderEdit[], cut: number | undefined): Buffer {
  const out = Buffer.from(tar);
  const headers: number[] = [];
  for (let at = 0; at + 512 <= out.length; at += 512) {
    if (out.subarray(at + 257, at + 263).toString('latin1') === 'ustar\0') headers.push(at);
  }
  for (const edit of edits) {
    if (headers.length === 0) break;
    const at = headers[edit.block % headers.length];
    const [offset, length] = FIELDS[edit.field];
    out.fill(0, at + offset, at + offset + length);
    out.write(edit.value, at + offset, length, 'latin1');
    out.fill(0x20, at + 148, at + 156);
    let sum = 0;
    for (let i = at; i < at + 512; i++) sum += out[i];
    out.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 8, 'latin1');
  }
  return cut === undefined ? out : out.subarray(0, cut % (out.length + 1));
}

const headerEdit: fc.Arbitrary<HeaderEdit> = fc.oneof(
  fc.record({
    block: fc.nat(),
    field: fc.constant('size' as const),
    value: fc.oneof(
      fc.integer({ min: 0, max: 4096 }).map((n) => n.toString(8)),
      fc.constantFrom('77777777777', '-1', 'zz', ''),
    ),
  }),
  fc.record({ block: fc.nat(), field: fc.constant('type' as const), value: fc.constantFrom(...'0123456789LKxgAVSDMN\0 ') }),
  fc.record({
    block: fc.nat(),
    field: fc.constantFrom('name' as const, 'linkname' as const, 'prefix' as const),
    value: fc.oneof(
      relative,
      targetSpec.filter((t): t is string => typeof t === 'string'),
      fc.string({ unit: 'binary-ascii', maxLength: 40 }),
    ),
  }),
  fc.record({ block: fc.nat(), field: fc.constant('mode' as const), value: fc.constantFrom('7777', '4777', '0', 'zzzz', '77777777') }),
);

describe('extractSafely under generated archives', () => {
  it('hostile archives never throw, and nothing outside dest is touched or reachable through a link', async () => {
    await fuzz(
      fc.asyncProperty(archive, async ({ entries, root }) => {
        const result = await extractContained(async (fill) => pack(fillEntries(entries, fill)), root);
        expect('error' in result ? result.error : undefined).toBeUndefined();
        for (const refused of (result as ExtractResult).refused) expect(refused.reason).toMatch(/\S/);
      }),
      { runs: 800, hangMs: 20_000 },
    );
  });

  it('archives with rewritten headers end at most with a tar parse error, and stay contained', async () => {
    await fuzz(
      fc.asyncProperty(
        archive,
        fc.array(headerEdit, { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined, freq: 3 }),
        async ({ entries, root }, edits, cut) => {
          const result = await extractContained(
            async (fill) =>
              editHeaders(
                await pack(fillEntries(entries, fill)),
                edits.map((e) => ({ ...e, value: fill(e.value) })),
                cut,
              ),
            root,
          );
          if ('error' in result) expect(result.error.message).toMatch(TAR_ERRORS);
        },
      ),
      { runs: 400, hangMs: 20_000 },
    );
  });

  it('legitimate trees (folders, files, and links to them, in any order) extract exactly, nothing refused', async () => {
    // Distinct paths over a small alphabet; a path that is a parent of another is a folder.
    const paths = fc.uniqueArray(
      fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
      { minLength: 1, maxLength: 8 },
    );
    const tree = fc.tuple(paths, fc.array(fc.nat()), fc.array(fc.boolean()), fc.boolean()).map(([list, picks, asLink, underRoot]) => {
      const all = underRoot ? ['a', ...list.map((p) => `a/${p}`)] : list;
      const unique = [...new Set(all)];
      const isParent = (p: string) => unique.some((q) => q.startsWith(`${p}/`));
      // Leaves are files, or links to another entry that is not a link (each chain is one hop).
      const entries: Entry[] = unique.map((p) =>
        isParent(p) ? { name: p, type: 'directory', mode: 0o755 } : { name: p, type: 'file', body: `${p}\n`, mode: 0o644 },
      );
      entries.forEach((e, i) => {
        const targets = entries.filter((t) => t.name !== e.name && t.type !== 'symlink' && !t.name.startsWith(`${e.name}/`));
        if (e.type !== 'file' || !asLink[i] || targets.length === 0) return;
        const target = targets[(picks[i] ?? 0) % targets.length];
        Object.assign(e, { type: 'symlink', linkname: posix.relative(posix.dirname(e.name), target.name) || '.', body: undefined });
      });
      return { entries, root: underRoot ? 'a' : undefined };
    });
    await fuzz(
      fc.asyncProperty(tree, fc.array(fc.nat()), async ({ entries, root }, order) => {
        // any order: parents may come after their children, links before what they point at
        const shuffled = entries
          .map((e, i) => ({ e, key: order[i] ?? i }))
          .sort((x, y) => x.key - y.key)
          .map(({ e }) => e);
        const run = makeBase();
        try {
          const result = await extractSafely(Readable.from([await pack(shuffled)]), run.dest, root === undefined ? {} : { root });
          expect(result.refused).toEqual([]);
          const expected: Record<string, string> = {};
          for (const e of entries) {
            // folders the archive leaves out are made for what is in them
            const parts = e.name.split('/');
            for (let i = 1; i < parts.length; i++) expected[parts.slice(0, i).join('/')] = 'dir';
          }
          for (const e of entries) expected[e.name] = e.type === 'directory' ? 'dir' : e.type === 'symlink' ? `link:${e.linkname}` : `file:${e.body}`;
          expect(treeOf(run.dest)).toEqual(expected);
          expect(linksOutside(run.dest)).toEqual([]);
        } finally {
          rmSync(run.base, { recursive: true, force: true });
        }
      }),
      { runs: 300, hangMs: 20_000 },
    );
  });
});
