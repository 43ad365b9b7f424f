/**
 * Security issue, chain 5: download escape. A sandbox (hostile, root in it included) builds a
 * tree whose symlinks each look inside on their own but chain outside once extracted
 * (`a -> .`, `b -> a/a/a/a/../../../../etc/hostname`), and the user downloads it with
 * `e2b-ts fs cp ID:/home/user/loot ./dst`. The copy must exit 1, name each refused entry on
 * stderr, leave no link in the destination that resolves outside it, touch nothing beside it,
 * and still deliver the legit files. A legit tree with relative links inside still copies with
 * exit 0. Also: the path a sandbox reports for the source cannot steer the local name.
 *
 * End to end: the built CLI against a real local backend (bubblewrap sandboxes).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/cli/context.js';
import { copy } from '../../src/cli/fs/copy.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { createTestIO } from '../helpers/io.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { linksOutside, treeOf } from '../helpers/trees.js';

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'e2bts-sec05-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('fs cp download from a hostile sandbox (real backend, built CLI)', () => {
  let backend: LocalBackend;
  let sbx: string;
  const cli = (args: string[]): Promise<CliResult> => runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home }, timeoutMs: 120_000 });
  const show = (r: CliResult) => `code ${r.code}\nstdout ${JSON.stringify(r.stdout.slice(0, 2000))}\nstderr ${JSON.stringify(r.stderr.slice(0, 4000))}`;
  const sh = async (script: string) => {
    const r = await cli(['exec', sbx, '--', 'sh', '-c', script]);
    expect(r.code, show(r)).toBe(0);
  };

  beforeAll(async () => {
    backend = await startLocalBackend();
    const r = await cli(['sandbox', 'create', '--timeout', '30m', '--metadata', 'suite=sec05']);
    if (r.code !== 0) throw new Error(`could not create a sandbox: ${show(r)}`);
    sbx = r.stdout.trim();
  }, 120_000);
  afterAll(async () => {
    await backend?.dispose();
  });

  it('link chains out of the destination (a -> ., b -> a/a/a/a/../../../../etc/hostname, and two more): exit 1, each named, none left pointing out', async () => {
    // In the sandbox every link below is a valid link; on this machine b, c and d would lead
    // to /etc/hostname and to the canary beside the destination.
    await sh(
      [
        'mkdir -p ~/loot/sub/inner && echo fine > ~/loot/fine.txt && echo deep > ~/loot/sub/inner/deep.txt',
        'cd ~/loot && ln -s . a && ln -s a/a/a/a/../../../../etc/hostname b',
        // one level up through "a -> .", though it reads as loot/canary
        'ln -s a/../canary c',
        // through a link to "..": sub/up is loot itself, so sub/.. is loot and one more .. leaves it
        'ln -s .. sub/up && ln -s sub/up/sub/../../canary d',
      ].join(' && '),
    );
    const parent = join(scratch, 'chains');
    mkdirSync(parent);
    writeFileSync(join(parent, 'canary'), 'canary\n');
    const dst = join(parent, 'dst');
    const legit = { 'fine.txt': 'file:fine\n', a: 'link:.', sub: 'dir', 'sub/inner': 'dir', 'sub/inner/deep.txt': 'file:deep\n', 'sub/up': 'link:..' };

    for (const [round, base] of [
      [1, dst],
      [2, join(dst, 'loot')],
    ] as const) {
      // round 2 downloads into the now existing dst folder (a merge)
      const r = await cli(['fs', 'cp', `${sbx}:/home/user/loot`, dst]);
      expect(r.code, `round ${round}: ${show(r)}`).toBe(1);
      for (const name of ['loot/b', 'loot/c', 'loot/d']) expect(r.stderr, `round ${round}: no warning for ${name}`).toContain(`refused ${name}:`);
      expect(r.stderr).toContain('3 entries were refused');
      expect(linksOutside(dst)).toEqual([]);
      expect(readdirSync(parent).sort()).toEqual(['canary', 'dst']);
      expect(readFileSync(join(parent, 'canary'), 'utf8')).toBe('canary\n');
      expect(treeOf(base)).toEqual(legit);
    }
  }, 180_000);

  it('a legit tree with relative links inside (../sibling, chains, a dangling one, one that needs a later folder) copies exactly, exit 0', async () => {
    await sh(
      [
        'mkdir -p ~/app/lib ~/app/bin ~/app/zz ~/app/sub && echo code > ~/app/lib/a.js',
        'cd ~/app && ln -s ../lib/a.js bin/a && ln -s lib libs && ln -s libs/a.js via && ln -s . self',
        'ln -s self/lib/a.js through-self && ln -s missing/file dangling && ln -s zz/../lib/a.js later && ln -s .. sub/up',
      ].join(' && '),
    );
    const dst = join(scratch, 'legit-dst');
    const r = await cli(['fs', 'cp', `${sbx}:/home/user/app`, dst]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).not.toContain('refused');
    expect(treeOf(dst)).toEqual({
      bin: 'dir',
      'bin/a': 'link:../lib/a.js',
      dangling: 'link:missing/file',
      later: 'link:zz/../lib/a.js',
      lib: 'dir',
      'lib/a.js': 'file:code\n',
      libs: 'link:lib',
      self: 'link:.',
      sub: 'dir',
      'sub/up': 'link:..',
      'through-self': 'link:self/lib/a.js',
      via: 'link:libs/a.js',
      zz: 'dir',
    });
    for (const link of ['bin/a', 'via', 'through-self', 'later', 'sub/up/lib/a.js']) expect(readFileSync(join(dst, link), 'utf8'), link).toBe('code\n');
    expect(linksOutside(dst)).toEqual([]);
  }, 120_000);
});

describe("the path a sandbox reports for the source cannot steer a download's local name", () => {
  // The sandbox answers "what is this path" (envd runs in the sandbox). A download into a folder
  // takes the name the user wrote (issue 17); a folder's tar stream names it as the sandbox
  // reports it, a name that must then pass the local rules before anything is written.
  it.each([
    { what: 'a file', type: 'file', reported: '/home/user/..' },
    { what: 'a file', type: 'file', reported: '/..' },
    { what: 'a folder', type: 'dir', reported: '/home/user/..' },
    { what: 'a folder', type: 'dir', reported: '/home/.' },
    { what: 'a folder', type: 'dir', reported: '/' },
  ] as const)('$what reported as "$reported" lands under the name the user wrote, or not at all', async ({ type, reported }) => {
    const local = mkdtempSync(join(scratch, 'named-'));
    const into = join(local, 'into');
    mkdirSync(into);
    const written: string[] = [];
    const sandbox = {
      files: {
        getInfo: async () => ({ name: 'f', type, path: reported, size: 3, mode: 0o644 }),
        download: async (_path: string, file: string) => {
          written.push(file);
          throw new Error('the download stops here');
        },
      },
      commands: {
        start: async () => {
          throw new Error('a sandbox command was started');
        },
      },
    };
    const ctx = createContext({ io: createTestIO().io });
    const library = await ctx.client();
    ctx.client = async () => ({ ...library, Sandbox: { attach: async () => sandbox } }) as unknown as typeof library;
    ctx.connection = async () => ({}) as Awaited<ReturnType<typeof ctx.connection>>;
    const error = await copy(ctx, [{ kind: 'sandbox', sandboxId: 'sbx1', path: '/home/user/f' }], { kind: 'local', path: `${into}/` }, { parallel: 1 }).catch(
      (e: unknown) => e,
    );
    if (type === 'file') {
      // its temporary, beside the name the user wrote ("f"), in the destination folder
      expect(written).toHaveLength(1);
      expect(written[0].startsWith(join(into, '.f.e2bts-'))).toBe(true);
    } else {
      expect(String(error)).toMatch(/the sandbox reports it as .*, whose name .*; not downloaded/);
      expect(written).toEqual([]);
    }
    expect(treeOf(local)).toEqual({ into: 'dir' });
  });
});
