/**
 * Issue 17 (files by the rules of the platform they land on): the rules of src/cli/fs/platform.ts
 * run for Windows and macOS on this Linux machine through the platform seam (`path.win32` is pure):
 * hostile names and link targets from a sandbox, the local name of a download, case keys, the
 * modes and link targets an upload carries from Windows, renames retried while Windows' antivirus
 * holds a file, and the case probe.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopyError, UsageError } from '../../src/cli/errors.js';
import {
  badComponent,
  badLinkTarget,
  badName,
  CaseIndex,
  caseKey,
  foldsCase,
  fsPlatform,
  nameOfPath,
  RENAME_RETRIES,
  renameOver,
  runPlatform,
  uploadLinkTarget,
  uploadMode,
} from '../../src/cli/fs/platform.js';

const win32 = fsPlatform('win32');
const darwin = fsPlatform('darwin');
const linux = fsPlatform('linux');

/** Names a hostile sandbox can put in a tar stream, each with what Windows would do with it. */
const WINDOWS_HOSTILE: Array<[string, RegExp]> = [
  ['a\\b', /contains "\\", a folder separator on Windows/],
  ['..\\..\\x', /contains "\.\.\\", which climbs out on Windows/],
  ['d/..\\..\\x', /contains "\.\.\\"/],
  ['C:\\Windows\\x', /is a drive path/],
  ['C:x', /is a drive path/],
  ['c:', /is a drive path/],
  ['x:y', /is a drive path/],
  ['\\\\host\\share\\x', /is a network path/],
  ['\\Windows\\System32\\x', /is rooted/],
  ['ab:cd', /contains ":", which Windows reads as a drive or an alternate data stream/],
  ['file.txt:secret', /contains ":"/],
  ['CON', /is a device name on Windows \(CON/],
  ['con', /is a device name on Windows \(CON/],
  ['con.txt', /is a device name on Windows \(CON/],
  ['NUL.tar.gz', /is a device name on Windows \(NUL/],
  ['aux .log', /is a device name on Windows \(AUX/],
  ['PRN', /device name/],
  ['COM1', /device name/],
  ['com9.txt', /device name/],
  ['COM0', /device name/],
  ['COM¹', /device name/],
  ['LPT3', /device name/],
  ['lpt².x', /device name/],
  ['CONIN$', /device name/],
  ['dir/CON/x', /has a part "CON" that is a device name/],
  ['a<b', /contains "<"/],
  ['a>b', /contains ">"/],
  ['a"b', /contains """/],
  ['a|b', /contains "\|"/],
  ['a?b', /contains "\?"/],
  ['a*b', /contains "\*"/],
  ['bell\u0007', /contains a control character/],
  ['tab\there', /contains a control character/],
  ['trailing.', /ends with a dot or a space/],
  ['trailing ', /ends with a dot or a space/],
  ['dir./x', /has a part "dir\." that ends with a dot or a space/],
  ['x'.repeat(256), /longer than 255 characters/],
];

/** Names every platform refuses. */
const EVERYWHERE_HOSTILE: Array<[string, RegExp]> = [
  ['/etc/passwd', /is an absolute path/],
  ['../x', /contains "\.\."/],
  ['a/../../x', /contains "\.\."/],
  ['a\0b', /NUL byte/],
  ['', /is empty/],
  ['./.', /is empty/],
];

/** Names fine on Windows (and everywhere): near misses of the rules above. */
const WINDOWS_FINE = [
  'README.md',
  'CONFIG',
  'console.log',
  'com10',
  'COMX',
  'nul-ish.txt',
  'lpt',
  'a.b.c',
  '.hidden',
  '.env',
  '日本語.txt',
  'a b',
  'a/b/c',
  './x',
  'x'.repeat(255),
];

describe('names from a sandbox, by the rules of the platform they land on', () => {
  it.each(WINDOWS_HOSTILE)('Windows refuses %j', (name, why) => {
    expect(badName(win32, name)).toMatch(why);
  });

  it.each(EVERYWHERE_HOSTILE)('every platform refuses %j', (name, why) => {
    for (const platform of [win32, darwin, linux]) expect(badName(platform, name), platform.name).toMatch(why);
  });

  it.each(WINDOWS_FINE)('Windows takes %j', (name) => {
    expect(badName(win32, name)).toBeUndefined();
  });

  it('Linux and macOS take what is a valid name there: backslashes, colons, device names, trailing dots', () => {
    for (const name of [
      'a\\b',
      '..\\..\\x',
      'x:y',
      'C:\\x',
      'ab:cd',
      'CON',
      'con.txt',
      'a<b>c',
      'a|b',
      'a?b*',
      'trailing.',
      'trailing ',
      '\\\\host\\share',
      'bell\u0007',
    ]) {
      expect(badName(linux, name), name).toBeUndefined();
      expect(badName(darwin, name), name).toBeUndefined();
    }
  });

  it('a name longer than 255 bytes is refused on Linux and macOS (UTF-8 bytes, not characters)', () => {
    expect(badName(linux, 'é'.repeat(128))).toMatch(/longer than 255 bytes, the longest name Linux takes/);
    expect(badName(darwin, 'é'.repeat(127))).toBeUndefined();
    expect(badComponent(darwin, 'x'.repeat(256))).toMatch(/longest name macOS takes/);
  });

  it('badComponent: one name, so "/", "." and ".." are refused too', () => {
    for (const platform of [win32, darwin, linux]) {
      expect(badComponent(platform, 'a/b')).toBe('contains "/"');
      expect(badComponent(platform, '..')).toBe('is ".."');
      expect(badComponent(platform, '.')).toBe('is "."');
    }
    expect(badComponent(win32, 'CON')).toMatch(/device name/);
  });
});

describe('symlink targets from a sandbox', () => {
  const windowsOnly: Array<[string, RegExp]> = [
    ['..\\..\\x', /contains "\\", a folder separator on Windows/],
    ['a\\b', /contains "\\"/],
    ['\\\\host\\share\\x', /is a network path/],
    ['\\Windows\\System32', /is rooted/],
    ['sub/CON', /has a part "CON" that is a device name/],
    ['ab:cd', /has a part "ab:cd" that contains ":"/],
    ['C:\\Windows', /is a drive path/],
    ['c:x', /is a drive path/],
    ['dir./f', /ends with a dot or a space/],
  ];
  it.each(windowsOnly)('Windows refuses a link to %j; Linux and macOS read it as a name', (target, why) => {
    expect(badLinkTarget(win32, target)).toMatch(why);
    expect(badLinkTarget(linux, target)).toBeUndefined();
    expect(badLinkTarget(darwin, target)).toBeUndefined();
  });

  it.each([
    ['/etc/passwd', /is an absolute path/],
    ['', /is empty/],
    ['a\0b', /NUL byte/],
  ])('every platform refuses a link to %j', (target, why) => {
    for (const platform of [win32, darwin, linux]) expect(badLinkTarget(platform, target), platform.name).toMatch(why);
  });

  it('relative targets with "/" and ".." pass the lexical rules everywhere (the tree decides where they lead)', () => {
    for (const target of ['../x', '../../lib/a.js', '.', '..', 'sub/file', 'a/./b']) {
      for (const platform of [win32, darwin, linux]) expect(badLinkTarget(platform, target), `${platform.name} ${target}`).toBeUndefined();
    }
  });
});

describe("a download's local name comes from the path the user wrote", () => {
  it.each([
    ['/home/user/report.pdf', 'report.pdf'],
    ['report.pdf', 'report.pdf'],
    ['dir/', 'dir'],
    ['a/./b//', 'b'],
    ['~/x', 'x'],
    ['a/b/..', 'a'],
    ['..\\..\\evil', '..\\..\\evil'],
  ])('%j names %j', (path, name) => {
    expect(nameOfPath(path)).toBe(name);
  });

  it.each(['~', '~/', '.', '..', '/', 'x/..', '/..', './'])('%j has no name of its own', (path) => {
    expect(nameOfPath(path)).toBeUndefined();
  });

  it('whose name then passes the landing platform rules (a user can type what Windows cannot hold)', () => {
    expect(badComponent(win32, nameOfPath('/home/user/..\\..\\evil')!)).toMatch(/folder separator on Windows/);
    expect(badComponent(win32, nameOfPath('/tmp/CON')!)).toMatch(/device name/);
  });
});

describe('names that differ only in case', () => {
  it('are one key on every case-insensitive platform; macOS also folds Unicode normalization', () => {
    for (const platform of [win32, darwin, linux]) expect(caseKey(platform, 'README.md')).toBe(caseKey(platform, 'readme.MD'));
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    expect(caseKey(darwin, nfc)).toBe(caseKey(darwin, nfd));
    expect(caseKey(win32, nfc)).not.toBe(caseKey(win32, nfd));
    // one character for one: the file systems do not fold "ß" into "SS"
    expect(caseKey(win32, 'straße')).not.toBe(caseKey(win32, 'STRASSE'));
    expect(caseKey(win32, 'ÄÖÜ')).toBe(caseKey(win32, 'äöü'));
  });

  it('CaseIndex reports a clash at the first part that clashes, in folders too, and takes exact repeats', () => {
    const index = new CaseIndex(win32);
    expect(index.claim('proj/README')).toBeUndefined();
    expect(index.claim('proj/README')).toBeUndefined();
    expect(index.claim('proj/readme')).toEqual({ name: 'proj/readme', clashesWith: 'proj/README' });
    expect(index.claim('proj/docs/a')).toBeUndefined();
    expect(index.claim('proj/Docs/b')).toEqual({ name: 'proj/Docs', clashesWith: 'proj/docs' });
    expect(index.claim('PROJ/x')).toEqual({ name: 'PROJ', clashesWith: 'proj' });
    // a refused claim claims nothing
    expect(index.claim('proj/docs/c')).toBeUndefined();
  });

  describe('the probe', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'e2bts-case-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("asks this machine's file system (case-sensitive here) and leaves nothing behind", () => {
      expect(foldsCase(fsPlatform('linux'), dir)).toBe(false);
      // the real platform seam probes whatever its rules, a simulated one answers with its default
      expect(foldsCase(fsPlatform('win32'), dir)).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
    });

    it('a simulated platform answers with its default: Windows and macOS ignore case, Linux does not', () => {
      expect(foldsCase(fsPlatform('win32', { simulated: true }), dir)).toBe(true);
      expect(foldsCase(fsPlatform('darwin', { simulated: true }), dir)).toBe(true);
      expect(foldsCase(fsPlatform('linux', { simulated: true }), dir)).toBe(false);
    });

    it('a folder it cannot write to gets the default of the platform (the copy then reports the real problem)', () => {
      expect(foldsCase(fsPlatform('darwin'), join(dir, 'missing'))).toBe(true);
      expect(foldsCase(fsPlatform('linux'), join(dir, 'missing'))).toBe(false);
    });
  });
});

describe('uploads mean the same from any OS', () => {
  it('modes: Windows has none (0666/0444 without x): folders 0755, files 0644, read-only files 0444', () => {
    expect(uploadMode(win32, 'dir', 0o40666).toString(8)).toBe('755');
    expect(uploadMode(win32, 'dir', 0o40444).toString(8)).toBe('755');
    expect(uploadMode(win32, 'file', 0o100666).toString(8)).toBe('644');
    expect(uploadMode(win32, 'file', 0o100444).toString(8)).toBe('444');
  });

  it('modes: Linux and macOS know them, +x and set-id included, and keep them', () => {
    for (const platform of [linux, darwin]) {
      expect(uploadMode(platform, 'file', 0o100755).toString(8)).toBe('755');
      expect(uploadMode(platform, 'file', 0o100600).toString(8)).toBe('600');
      expect(uploadMode(platform, 'file', 0o104755).toString(8)).toBe('4755');
      expect(uploadMode(platform, 'dir', 0o40700).toString(8)).toBe('700');
    }
  });

  const root = 'C:\\work\\tree';
  const at = (rel: string) => `${root}\\${rel}`;
  it.each([
    ['a relative link with backslashes', 'bin\\a', '..\\lib\\a.js', '../lib/a.js'],
    ['a relative link to a folder', 'libs', 'lib', 'lib'],
    ['a relative link out of the tree (kept, as from Linux)', 'up', '..\\..\\x', '../../x'],
    ['an absolute link inside the tree', 'bin\\b', 'C:\\work\\tree\\lib\\a.js', '../lib/a.js'],
    ['an absolute link, other case (NTFS ignores it)', 'bin\\c', 'c:\\WORK\\Tree\\lib', '../lib'],
    ['a junction (\\\\?\\ form) inside the tree', 'j', '\\\\?\\C:\\work\\tree\\lib', 'lib'],
    ['a junction (\\??\\ form) inside the tree', 'sub\\j', '\\??\\C:\\work\\tree\\lib', '../lib'],
    ['a rooted link on the same drive', 'r', '\\work\\tree\\lib\\a.js', 'lib/a.js'],
    ['a link to the tree itself', 'sub\\top', 'C:\\work\\tree', '..'],
    ['a link to its own folder', 'sub\\here', 'C:\\work\\tree\\sub', '.'],
  ])('Windows: %s', (_what, link, raw, target) => {
    expect(uploadLinkTarget(win32, root, at(link), raw)).toEqual({ target });
  });

  it.each([
    ['an absolute link out of the tree', 'C:\\Windows\\System32', /leads to C:\\Windows\\System32, outside the folder being uploaded/],
    ['a junction out of the tree', '\\\\?\\C:\\Users\\me', /outside the folder being uploaded/],
    ['a link to a sibling folder of the same prefix', 'C:\\work\\tree2\\x', /outside the folder being uploaded/],
    ['another drive', 'D:\\data', /outside the folder being uploaded/],
    ['a network share', '\\\\host\\share\\x', /a network path the sandbox cannot reach/],
    ['a network share in the long form', '\\\\?\\UNC\\host\\share', /a network path/],
    ['a drive-relative target', 'C:foo', /leads to C:foo, relative to a drive's current folder/],
    ['an alternate data stream', 'file.txt:stream', /leads to file.txt:stream, an alternate data stream/],
  ])('Windows refuses %s, with a reason', (_what, raw, why) => {
    const result = uploadLinkTarget(win32, root, at('l'), raw);
    expect('refused' in result && result.refused).toMatch(why);
  });

  it('Linux and macOS send link targets as they are', () => {
    for (const platform of [linux, darwin]) {
      for (const raw of ['../lib/a.js', '/etc/hostname', '..\\x', 'C:\\x'])
        expect(uploadLinkTarget(platform, '/w/tree', '/w/tree/l', raw)).toEqual({ target: raw });
    }
  });
});

describe('renames over existing files', () => {
  const busy = (code: string) => Object.assign(new Error(`${code}: resource busy or locked, rename`), { code });

  function fakeFs(failures: string[]) {
    const calls: string[] = [];
    const sleeps: number[] = [];
    return {
      calls,
      sleeps,
      deps: {
        rename: async (from: string, to: string) => {
          calls.push(`${from}->${to}`);
          const code = failures.shift();
          if (code) throw busy(code);
        },
        sleep: async (ms: number) => {
          sleeps.push(ms);
        },
      },
    };
  }

  it('Windows: EBUSY, EPERM and EACCES (an antivirus scanner holding the file) are retried, then it succeeds', async () => {
    const fs = fakeFs(['EBUSY', 'EPERM', 'EACCES']);
    await renameOver(win32, 'tmp', 'target', fs.deps);
    expect(fs.calls).toHaveLength(4);
    expect(fs.sleeps).toEqual([10, 20, 40]);
  });

  it('Windows: a file held for good ends in one clear error after a few attempts', async () => {
    const fs = fakeFs(Array(50).fill('EBUSY'));
    const error = await renameOver(win32, 'tmp', 'C:\\out\\big.bin', fs.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopyError);
    expect((error as Error).message).toBe(
      `cannot put C:\\out\\big.bin in place: EBUSY after ${RENAME_RETRIES + 1} attempts (another program, such as an antivirus scanner, holds it)`,
    );
    expect(fs.calls).toHaveLength(RENAME_RETRIES + 1);
  });

  it('other errors, and every error off Windows, fail at once (there EACCES means what it says)', async () => {
    const onWindows = fakeFs(['ENOENT']);
    await expect(renameOver(win32, 'a', 'b', onWindows.deps)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(onWindows.calls).toHaveLength(1);
    for (const platform of [linux, darwin]) {
      const fs = fakeFs(['EACCES']);
      await expect(renameOver(platform, 'a', 'b', fs.deps)).rejects.toMatchObject({ code: 'EACCES' });
      expect(fs.calls).toHaveLength(1);
      expect(fs.sleeps).toEqual([]);
    }
  });
});

describe('E2B_TS_FS_PLATFORM (tests only) forces the rules of a platform', () => {
  it('names one of win32, win32-nosymlinks, darwin, linux; unset is this machine', () => {
    expect(runPlatform({})).toMatchObject({ name: 'linux', simulated: false });
    expect(runPlatform({ E2B_TS_FS_PLATFORM: 'win32' })).toMatchObject({ name: 'win32', simulated: true });
    expect(runPlatform({ E2B_TS_FS_PLATFORM: 'darwin' })).toMatchObject({ name: 'darwin', simulated: true });
    expect(runPlatform({ E2B_TS_FS_PLATFORM: 'win32-nosymlinks' })).toMatchObject({ name: 'win32', simulated: true });
    expect(() => runPlatform({ E2B_TS_FS_PLATFORM: 'beos' })).toThrow(UsageError);
  });

  it('win32-nosymlinks fails every symlink with EPERM, as Windows without Developer Mode', () => {
    expect(() => runPlatform({ E2B_TS_FS_PLATFORM: 'win32-nosymlinks' }).symlink('a', '/nonexistent/b', 'file')).toThrow(
      expect.objectContaining({ code: 'EPERM', syscall: 'symlink' }),
    );
  });
});
