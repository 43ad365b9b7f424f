/**
 * The platform files land on or come from, as a seam: the rules of `fs cp` and `volume cp` for
 * names and link targets a sandbox or a volume supplies (checked with the landing platform's
 * separators, drive and UNC forms, reserved names and characters), for names that one file
 * system tells apart and another does not (case, and Unicode normalization on macOS), for the
 * modes and links an upload carries from a host that has no POSIX modes (Windows), and for
 * renames that Windows' antivirus and indexers make fail for a moment.
 *
 * The rules are pure and take the platform as a value (`path.win32` or `path.posix` inside), so
 * unit tests run the Windows and macOS rules on Linux. Real file operations always use the host's
 * own `node:path`: a simulated platform changes the rules, not the file system.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join, posix, win32 } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CopyError, UsageError } from '../errors.js';

export type PlatformName = 'win32' | 'darwin' | 'linux';

/** What a copy does with a symlink it cannot create as a symlink (Windows without Developer Mode). */
export type LinkPolicy = 'auto' | 'copy' | 'skip' | 'fail';

export const LINK_POLICIES: readonly LinkPolicy[] = ['auto', 'copy', 'skip', 'fail'];

export interface FsPlatform {
  readonly name: PlatformName;
  /** `path.win32` or `path.posix`: for the rules only, never for this machine's real paths. */
  readonly path: typeof posix;
  /**
   * Forced through E2B_TS_FS_PLATFORM (tests): the rules are that platform's, the file system is
   * this machine's, so probing it would answer for the wrong platform.
   */
  readonly simulated: boolean;
  /**
   * Makes a symlink. `kind` is what it leads to (Windows makes file and folder links apart; a
   * folder link made as a file link does not open).
   */
  symlink(target: string, at: string, kind: 'file' | 'dir' | undefined): void;
}

/** Symlink creation as Windows without Developer Mode answers it (E2B_TS_FS_PLATFORM=win32-nosymlinks). */
function refusedSymlink(target: string, at: string): never {
  throw Object.assign(new Error(`EPERM: operation not permitted, symlink '${target}' -> '${at}'`), { code: 'EPERM', syscall: 'symlink' });
}

/**
 * The platform `name`'s rules. `symlinks: false` makes every symlink fail with EPERM, as on
 * Windows without Developer Mode (for tests of `--links`).
 */
export function fsPlatform(name: PlatformName, opts: { simulated?: boolean; symlinks?: boolean } = {}): FsPlatform {
  const symlinks = opts.symlinks ?? true;
  return {
    name,
    path: name === 'win32' ? win32 : posix,
    simulated: opts.simulated ?? false,
    symlink(target, at, kind) {
      if (!symlinks) refusedSymlink(target, at);
      // Only Windows distinguishes the two; elsewhere the type argument is ignored.
      if (name === 'win32') symlinkSync(target, at, kind === 'dir' ? 'dir' : 'file');
      else symlinkSync(target, at);
    },
  };
}

/** This machine's platform (every Unix but macOS follows the Linux rules). */
export function hostPlatform(): FsPlatform {
  return fsPlatform(process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'linux');
}

/**
 * The platform of a CLI run: this machine's, or the one E2B_TS_FS_PLATFORM forces. That variable
 * is for tests only (`win32`, `win32-nosymlinks`, `darwin`, `linux`): it runs another platform's
 * rules for names, links, modes and case on this machine's file system.
 */
export function runPlatform(env: Record<string, string | undefined>): FsPlatform {
  const forced = env.E2B_TS_FS_PLATFORM;
  if (forced === undefined || forced === '') return hostPlatform();
  if (forced === 'win32-nosymlinks') return fsPlatform('win32', { simulated: true, symlinks: false });
  if (forced === 'win32' || forced === 'darwin' || forced === 'linux') return fsPlatform(forced, { simulated: true });
  throw new UsageError(`E2B_TS_FS_PLATFORM must be win32, win32-nosymlinks, darwin or linux (a setting for tests), not "${forced}"`);
}

const label = (p: FsPlatform) => (p.name === 'win32' ? 'Windows' : p.name === 'darwin' ? 'macOS' : 'Linux');

// ---------------------------------------------------------------------------------------------
// Names and link targets a sandbox or a volume supplies

/** Device names of Windows: reserved in every folder, with any extension (`nul.txt`, `COM1.tar.gz`). */
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
/** Characters Windows refuses in names (`:` also makes a drive or an alternate data stream). */
const WINDOWS_RESERVED_CHARS = /[<>:"|?*]/;
/** The longest name: 255 bytes of UTF-8 on Linux and macOS, 255 UTF-16 units on Windows. */
const NAME_MAX = 255;

/**
 * Why `name` cannot be one file name on `platform`, or undefined when it can. The reason reads
 * after the name: `"CON" is a device name on Windows ...`.
 */
export function badComponent(platform: FsPlatform, name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name === '.' || name === '..') return `is "${name}"`;
  if (name.includes('/')) return 'contains "/"';
  if (platform.name !== 'win32') {
    return Buffer.byteLength(name) > NAME_MAX ? `is longer than ${NAME_MAX} bytes, the longest name ${label(platform)} takes` : undefined;
  }
  if (name.includes('\\')) return 'contains "\\", a folder separator on Windows';
  if (/[\x01-\x1f]/.test(name)) return 'contains a control character, which Windows does not allow in names';
  const reserved = WINDOWS_RESERVED_CHARS.exec(name)?.[0];
  if (reserved === ':') return 'contains ":", which Windows reads as a drive or an alternate data stream';
  if (reserved) return `contains "${reserved}", which Windows does not allow in names`;
  if (/[. ]$/.test(name)) return 'ends with a dot or a space, which Windows drops (it would name another file)';
  const stem = name.split('.')[0].replace(/ +$/, '');
  if (WINDOWS_DEVICES.test(stem)) return `is a device name on Windows (${stem.toUpperCase()}, reserved with any extension)`;
  if (name.length > NAME_MAX) return `is longer than ${NAME_MAX} characters, the longest name Windows takes`;
  return undefined;
}

/** The parts of a `/`-separated relative name, without the empty and `.` ones. */
const parts = (name: string) => name.split('/').filter((p) => p !== '' && p !== '.');

/** Windows' absolute forms, which a name or a link target written with backslashes may take. */
function windowsRoot(name: string): string | undefined {
  if (name.startsWith('\\\\') || name.startsWith('//')) return 'is a network path (\\\\host\\share)';
  if (name.startsWith('\\')) return 'is rooted (\\...: the top of the drive on Windows)';
  if (/^[A-Za-z]:/.test(name)) return 'is a drive path (C:...)';
  return undefined;
}

/**
 * Why an entry name from a sandbox's tar stream or a volume listing (relative, `/`-separated)
 * cannot be written on `platform` inside the destination, or undefined when it can. Reads after
 * "the name ".
 */
export function badName(platform: FsPlatform, name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.startsWith('/')) return 'is an absolute path';
  // `C:x` is a name like another on Linux and macOS, a drive on Windows
  if (platform.name === 'win32') {
    const root = windowsRoot(name);
    if (root) return root;
  }
  const all = parts(name);
  if (all.length === 0) return 'is empty';
  if (all.includes('..')) return 'contains ".."';
  if (platform.name === 'win32' && all.some((p) => p.split('\\').includes('..'))) return 'contains "..\\", which climbs out on Windows';
  for (const part of all) {
    const why = badComponent(platform, part);
    if (why) return all.length === 1 ? why : `has a part "${part}" that ${why}`;
  }
  return undefined;
}

/**
 * Why a symlink target from a sandbox is refused on `platform` before any resolution, or
 * undefined. Relative `/`-separated targets only: on Windows a backslash, a drive, a UNC path or
 * a device name in a target would lead somewhere a `/`-reading check cannot see.
 */
export function badLinkTarget(platform: FsPlatform, target: string): string | undefined {
  if (target === '') return 'is empty';
  if (target.includes('\0')) return 'contains a NUL byte';
  if (target.startsWith('/')) return 'is an absolute path';
  if (platform.name !== 'win32') return undefined;
  const root = windowsRoot(target);
  if (root) return root;
  if (target.includes('\\')) return 'contains "\\", a folder separator on Windows (where it could lead elsewhere)';
  for (const part of parts(target)) {
    if (part === '..') continue;
    const why = badComponent(platform, part);
    if (why) return `has a part "${part}" that ${why}`;
  }
  return undefined;
}

/**
 * The name a download gives to what the user's sandbox path names: its last part, written by the
 * user, never taken from the sandbox's answer. Undefined when the path names no file of its own
 * (`~`, `.`, `..`, `/`, `x/..`).
 */
export function nameOfPath(sandboxPath: string): string | undefined {
  if (sandboxPath === '~' || sandboxPath.startsWith('~/')) sandboxPath = sandboxPath === '~' ? '.' : sandboxPath.slice(2) || '.';
  const normal = posix.normalize(sandboxPath).replace(/\/+$/, '');
  const name = posix.basename(normal);
  return name === '' || name === '.' || name === '..' || name === '~' ? undefined : name;
}

// ---------------------------------------------------------------------------------------------
// Names that differ only in case

/**
 * Whether names differing only in case are one name in `dir`: found by making a file there and
 * looking for it under another case, as git does on `init` (the platform's default where the
 * folder cannot be written).
 * A simulated platform answers with its default (Windows and macOS: yes), as the probe would
 * answer for this machine instead.
 */
export function foldsCase(platform: FsPlatform, dir: string): boolean {
  const byDefault = platform.name !== 'linux';
  if (platform.simulated) return byDefault;
  const name = `.e2bts-case-${randomBytes(5).toString('hex')}`;
  const probe = join(dir, name);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
  } catch {
    return byDefault; // a folder we cannot write to: what the copy then says is the real problem
  }
  try {
    return lstatSync(join(dir, name.toUpperCase()), { throwIfNoEntry: false }) !== undefined;
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * The key under which a case-insensitive file system of `platform` files a name: simple case
 * folding, one character for one (NTFS's upcase table, APFS's folding do not turn "ß" into
 * "SS"), and on macOS the decomposed form as well (APFS and HFS+ take "é" and "e\u0301" as one).
 */
export function caseKey(platform: FsPlatform, name: string): string {
  const text = platform.name === 'darwin' ? name.normalize('NFD') : name;
  let out = '';
  for (const ch of text) {
    const upper = ch.toUpperCase();
    out += [...upper].length === 1 ? upper : ch;
  }
  return out;
}

/** Two names of one download that a case-insensitive destination would take for one. */
export interface CaseCollision {
  name: string;
  /** The name that came first. */
  clashesWith: string;
}

/**
 * Claims relative names (`a/b/c`) one by one and reports a name that a case-insensitive file
 * system would take for another one already claimed, in any of its parent folders too: `Docs/a`
 * after `docs/b` clashes at `Docs`.
 */
export class CaseIndex {
  private readonly byKey = new Map<string, string>();

  constructor(private readonly platform: FsPlatform) {}

  /** Claims `rel`; returns the collision instead when part of it is already claimed under another case. */
  claim(rel: string): CaseCollision | undefined {
    const all = parts(rel);
    const claims: Array<[string, string]> = [];
    for (let i = 1; i <= all.length; i++) {
      const prefix = all.slice(0, i).join('/');
      const key = caseKey(this.platform, prefix);
      const there = this.byKey.get(key);
      if (there !== undefined && there !== prefix) return { name: prefix, clashesWith: there };
      claims.push([key, prefix]);
    }
    for (const [key, prefix] of claims) this.byKey.set(key, prefix);
    return undefined;
  }
}

/** One line about collisions, for an error message: the first few pairs and how many more. */
export function describeCollisions(collisions: CaseCollision[], shown = 5): string {
  const pairs = collisions.slice(0, shown).map((c) => `${c.clashesWith} and ${c.name}`);
  const more = collisions.length > shown ? ` and ${collisions.length - shown} more` : '';
  return pairs.join(', ') + more;
}

// ---------------------------------------------------------------------------------------------
// Uploads

/**
 * The mode an uploaded file or folder gets in the sandbox. Windows has no POSIX modes: Node
 * reports 0666 (0444 when read-only) for files and folders alike, without any `x`, which would
 * make folders unsearchable and files world-writable; there folders get 0755 and files 0644
 * (0444 read-only). Linux and macOS know the mode, `+x` included: it is kept.
 */
export function uploadMode(platform: FsPlatform, kind: 'file' | 'dir', hostMode: number): number {
  if (platform.name !== 'win32') return hostMode & 0o7777;
  if (kind === 'dir') return 0o755;
  return hostMode & 0o200 ? 0o644 : 0o444;
}

/** The target of a link an upload carries, or why it is refused (reads after "a symlink that"). */
export type UploadLink = { target: string } | { refused: string };

/**
 * A symlink's target as the sandbox (POSIX) must see it. On Linux and macOS it is sent as it is.
 * On Windows: backslashes become slashes; an absolute target (a junction's always is) becomes
 * relative when it is inside the folder being uploaded, and is refused when it is not (the
 * sandbox cannot see this machine's drives) or is a network path.
 * @param root the folder being uploaded; @param link the link's own path (both this machine's).
 */
export function uploadLinkTarget(platform: FsPlatform, root: string, link: string, raw: string): UploadLink {
  if (platform.name !== 'win32') return { target: raw };
  const P = win32;
  // \\?\C:\x and \??\C:\x are the long and NT forms of C:\x; \\?\UNC\host\share is \\host\share.
  let target = raw.replace(/^\\\\\?\\UNC\\/i, '\\\\').replace(/^(\\\\\?\\|\\\?\?\\)/, '');
  if (target.startsWith('\\\\') || target.startsWith('//')) return { refused: `leads to ${raw}, a network path the sandbox cannot reach` };
  if (/^[A-Za-z]:(?![\\/])/.test(target)) return { refused: `leads to ${raw}, relative to a drive's current folder, which the sandbox does not have` };
  if (P.isAbsolute(target)) {
    // rooted without a drive (\x): on the drive of the folder being uploaded
    const absolute = /^[A-Za-z]:/.test(target) ? P.resolve(target) : P.resolve(P.parse(P.resolve(root)).root, target);
    const inside = P.relative(P.resolve(root), absolute);
    if (inside === '..' || inside.startsWith('..\\') || P.isAbsolute(inside))
      return { refused: `leads to ${raw}, outside the folder being uploaded (the sandbox cannot see it)` };
    target = P.relative(P.dirname(P.resolve(link)), absolute) || '.';
  }
  target = target.replace(/\\/g, '/');
  if (target.includes(':')) return { refused: `leads to ${raw}, an alternate data stream or a drive` };
  return { target };
}

// ---------------------------------------------------------------------------------------------
// Renames over existing files

/** Errors with which Windows refuses a rename while another program (an antivirus scanner, the indexer) holds the file for a moment. */
const TRANSIENT = new Set(['EBUSY', 'EPERM', 'EACCES']);
/** Retries after the first attempt, waiting 10 ms, 20 ms, 40 ms ... (2.5 s in all), as npm's graceful-fs does for the same reason. */
export const RENAME_RETRIES = 8;

export interface RenameDeps {
  rename(from: string, to: string): Promise<void>;
  sleep(ms: number): Promise<unknown>;
}

const REAL: RenameDeps = { rename, sleep };

/**
 * Renames `from` over `to`. On Windows a rename fails with EBUSY, EPERM or EACCES while another
 * program holds the file for a moment: retried a few times there, then reported in one line.
 * Elsewhere those errors mean what they say and fail at once.
 */
export async function renameOver(platform: FsPlatform, from: string, to: string, deps: RenameDeps = REAL): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (platform.name !== 'win32' || !TRANSIENT.has(code)) throw error;
      if (attempt >= RENAME_RETRIES) {
        throw new CopyError(`cannot put ${to} in place: ${code} after ${attempt + 1} attempts (another program, such as an antivirus scanner, holds it)`, {
          cause: error,
        });
      }
      await deps.sleep(10 * 2 ** attempt);
    }
  }
}
