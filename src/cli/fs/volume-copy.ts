/**
 * `volume cp`: files and folders between this machine and volumes, with the guarantees of
 * `fs cp` where the volume API allows them:
 *
 * - verified: an upload is read back and its SHA-256 compared with the local file's; a download
 *   must have exactly the size the volume reported, and is hashed as it is written;
 * - no partial files: the volume API lands an upload under a temporary name and renames it whole;
 *   a download is written to a temporary name beside its destination and renamed when complete;
 * - safe downloads: every name from the volume is checked with the rules of this machine's
 *   platform (no `/`, `.`, `..`, NUL; on Windows no `\`, `:`, reserved characters or device
 *   names), names that differ only in case fail the download before anything is written where
 *   the destination ignores case, symlinks are never created (a volume's symlinks are
 *   sandbox-made and may lead anywhere: they are reported as refused), and nothing is written
 *   through a symlink already at the destination. Modes are kept without setuid, setgid and
 *   sticky bits;
 * - uploads from Windows, which has no POSIX modes, get files 0644 (0444 read-only).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Volume, VolumeEntryStat } from '../../client/volume.js';
import { CopyError, UsageError } from '../errors.js';
import { sanitize } from '../render/sanitize.js';
import {
  badComponent,
  CaseIndex,
  describeCollisions,
  foldsCase,
  hostPlatform,
  renameOver,
  uploadMode,
  type CaseCollision,
  type FsPlatform,
} from './platform.js';

export interface VolumeCopyResult {
  source: string;
  destination: string;
  files: number;
  bytes: number;
  /** Entries not copied, with why. */
  refused: string[];
}

/** Receives transfer progress (a progress line on a terminal; nothing otherwise). */
export interface CopyProgress {
  add(bytes: number): void;
  setTotal(bytes: number): void;
}

const NO_PROGRESS: CopyProgress = { add() {}, setTotal() {} };

/** Files in flight at once: enough to hide per-request latency, few enough to be gentle. */
const PARALLEL = 8;

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function remoteStat(volume: Volume, path: string, signal: AbortSignal): Promise<VolumeEntryStat | undefined> {
  try {
    return await volume.getInfo(path, { signal });
  } catch (error) {
    if ((error as { code?: string }).code === 'E2B_VOLUME_PATH_NOT_FOUND') return undefined;
    throw error;
  }
}

async function uploadFile(volume: Volume, local: string, remote: string, size: number, mode: number, signal: AbortSignal): Promise<void> {
  const localHash = sha256File(local);
  const stat = await volume.writeFile(remote, createReadStream(local), { force: true, mode: mode & 0o777, signal });
  if (stat.size !== size) throw new CopyError(`verification failed for ${remote}: ${stat.size} bytes in the volume, ${size} here`);
  const back = createHash('sha256');
  const stream = await volume.readFile(remote, { format: 'stream', signal });
  await pipeline(Readable.fromWeb(stream as import('node:stream/web').ReadableStream<Uint8Array>), back);
  if (back.digest('hex') !== (await localHash))
    throw new CopyError(`verification failed for ${remote}: its SHA-256 in the volume differs from the local file's`);
}

/**
 * Copies a local file or folder into a volume. `platform` is this machine's (its modes are
 * mapped to POSIX ones, see uploadMode).
 */
export async function uploadToVolume(
  volume: Volume,
  local: string,
  remote: string,
  signal: AbortSignal,
  progress: CopyProgress = NO_PROGRESS,
  platform: FsPlatform = hostPlatform(),
): Promise<VolumeCopyResult> {
  const st = await lstat(local);
  const existing = await remoteStat(volume, remote, signal);
  const target = existing?.type === 'directory' ? posix.join(remote, basename(local)) : remote;
  const result: VolumeCopyResult = { source: local, destination: `${volume.name}:${target}`, files: 0, bytes: 0, refused: [] };
  const parent = posix.dirname(target);
  if (parent !== '/') await volume.makeDir(parent, { force: true, signal });
  if (st.isFile()) {
    progress.setTotal(st.size);
    await uploadFile(volume, local, target, st.size, uploadMode(platform, 'file', st.mode), signal);
    progress.add(st.size);
    return { ...result, files: 1, bytes: st.size };
  }
  if (!st.isDirectory()) throw new CopyError(`${local} is neither a file nor a folder`);
  const dirs: string[] = [];
  const files: Array<{ local: string; remote: string; size: number; mode: number }> = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const remotePath = posix.join(target, rel, name);
      const entry = await lstat(path);
      if (entry.isDirectory()) {
        dirs.push(remotePath);
        await walk(path, posix.join(rel, name));
      } else if (entry.isFile()) files.push({ local: path, remote: remotePath, size: entry.size, mode: uploadMode(platform, 'file', entry.mode) });
      else result.refused.push(`${path}: ${entry.isSymbolicLink() ? 'a symlink (volumes take files and folders only)' : 'not a file or folder'}`);
    }
  };
  await walk(local, '');
  progress.setTotal(files.reduce((sum, f) => sum + f.size, 0));
  await volume.makeDir(target, { force: true, signal });
  for (const dir of dirs) await volume.makeDir(dir, { force: true, signal });
  await inParallel(files, async (f) => {
    await uploadFile(volume, f.local, f.remote, f.size, f.mode, signal);
    progress.add(f.size);
    result.files++;
    result.bytes += f.size;
  });
  return result;
}

async function isRealDir(path: string): Promise<boolean> {
  try {
    const st = await lstat(path);
    return st.isDirectory() && !st.isSymbolicLink();
  } catch {
    return false;
  }
}

async function downloadFile(
  volume: Volume,
  remote: string,
  size: number,
  mode: number,
  local: string,
  signal: AbortSignal,
  progress: CopyProgress,
  platform: FsPlatform,
): Promise<void> {
  const dir = posix.dirname(local) === local ? local : join(local, '..');
  const temp = join(dir, `.e2b-ts-download-${randomBytes(6).toString('hex')}`);
  let count = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      count += chunk.length;
      progress.add(chunk.length);
      done(null, chunk);
    },
  });
  try {
    const stream = await volume.readFile(remote, { format: 'stream', signal });
    // 'wx': a name planted meanwhile fails the open instead of being followed
    await pipeline(
      Readable.fromWeb(stream as import('node:stream/web').ReadableStream<Uint8Array>),
      counter,
      createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
    );
    if (count !== size) throw new CopyError(`verification failed for ${remote}: got ${count} bytes, the volume reported ${size}`);
    await chmod(temp, mode & 0o777);
    // rename replaces whatever is at the name (a symlink included) and never follows it
    await renameOver(platform, temp, local);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Copies a volume file or folder to this machine. `platform` is this machine's: names from the
 * volume must pass its rules (see badComponent).
 */
export async function downloadFromVolume(
  volume: Volume,
  remote: string,
  local: string,
  signal: AbortSignal,
  progress: CopyProgress = NO_PROGRESS,
  platform: FsPlatform = hostPlatform(),
): Promise<VolumeCopyResult> {
  const stat = await volume.getInfo(remote, { signal });
  const localIsDir = await isRealDir(local);
  // the name the user wrote (the volume's, for its root), never one from the listing
  const name = remote.replace(/\/+$/, '') === '' ? volume.name : posix.basename(remote.replace(/\/+$/, ''));
  if (localIsDir) {
    const problem = badComponent(platform, name);
    if (problem)
      throw new UsageError(
        sanitize(
          `${volume.name}:${remote}: "${name}" cannot be a file name here: it ${problem}; give the copy a name (volume cp ${volume.name}:${remote} DIR/NEWNAME)`,
        ),
      );
  }
  const target = localIsDir ? join(local, name) : local;
  const result: VolumeCopyResult = { source: `${volume.name}:${remote}`, destination: target, files: 0, bytes: 0, refused: [] };
  if (stat.type === 'file') {
    progress.setTotal(stat.size);
    await downloadFile(volume, remote, stat.size, stat.mode, target, signal, progress, platform);
    return { ...result, files: 1, bytes: stat.size };
  }
  if (stat.type !== 'directory') throw new CopyError(`${volume.name}:${remote} is a ${stat.type}, not a file or folder: not copied`);
  const entries = await listAll(volume, remote, signal);
  const prefix = remote === '/' ? '/' : `${remote.replace(/\/+$/, '')}/`;
  // Names that the destination's file system takes for one would replace each other: found
  // before anything is written. The folder that will hold them tells (probed where it exists).
  const probeDir = localIsDir ? local : dirname(local);
  if ((await isRealDir(probeDir)) && foldsCase(platform, probeDir)) {
    const cases = new CaseIndex(platform);
    const collisions: CaseCollision[] = [];
    for (const entry of entries) {
      if (!entry.path.startsWith(prefix)) continue;
      const clash = cases.claim(entry.path.slice(prefix.length));
      if (clash && !collisions.some((c) => c.name === clash.name && c.clashesWith === clash.clashesWith)) collisions.push(clash);
    }
    if (collisions.length > 0) {
      throw new CopyError(
        sanitize(
          `${volume.name}:${remote} holds names that differ only in case, which the file system at ${probeDir} takes for one: ${describeCollisions(collisions)}; nothing was copied`,
        ),
      );
    }
  }
  try {
    const there = await lstat(target);
    if (!there.isDirectory()) throw new CopyError(`${target} exists and is not a folder`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(target);
  }
  const dirs: Array<{ local: string; mode: number }> = [];
  const files: Array<{ remote: string; local: string; size: number; mode: number }> = [];
  for (const entry of entries) {
    if (!entry.path.startsWith(prefix)) {
      result.refused.push(`${sanitize(entry.path)}: outside ${sanitize(remote)}`);
      continue;
    }
    const parts = entry.path.slice(prefix.length).split('/');
    const bad = parts.map((part) => ({ part, why: badComponent(platform, part) })).find((p) => p.why);
    if (bad) {
      result.refused.push(`${sanitize(entry.path)}: "${sanitize(bad.part)}" ${bad.why}`);
      continue;
    }
    const localPath = join(target, ...parts);
    if (entry.type === 'directory') dirs.push({ local: localPath, mode: entry.mode });
    else if (entry.type === 'file') files.push({ remote: entry.path, local: localPath, size: entry.size, mode: entry.mode });
    else result.refused.push(`${sanitize(entry.path)}: a ${entry.type}${entry.target !== undefined ? ` to ${sanitize(entry.target)}` : ''} (not created here)`);
  }
  progress.setTotal(files.reduce((sum, f) => sum + f.size, 0));
  // parents first (the listing is depth-first by name)
  dirs.sort((a, b) => a.local.length - b.local.length);
  for (const dir of dirs) {
    try {
      await mkdir(dir.local);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!(await isRealDir(dir.local))) {
      result.refused.push(`${dir.local}: not a folder here (a symlink is never written through)`);
    }
  }
  const refusedDirs = new Set(result.refused.map((r) => r.split(':')[0]));
  await inParallel(files, async (f) => {
    const parent = join(f.local, '..');
    if (refusedDirs.has(parent) || !(await isRealDir(parent))) {
      result.refused.push(`${sanitize(f.remote)}: its folder here is not a real folder`);
      return;
    }
    await downloadFile(volume, f.remote, f.size, f.mode, f.local, signal, progress, platform);
    result.files++;
    result.bytes += f.size;
  });
  return result;
}

/** How deep one listing goes; folders at that depth are listed again from there. */
const LIST_DEPTH = 64;

/**
 * Every entry below `remote`, however deep: the content API lists a bounded depth, so the
 * folders at the bottom of one listing are listed again (nothing deeper is left out silently).
 */
async function listAll(volume: Volume, remote: string, signal: AbortSignal | undefined) {
  const out: Awaited<ReturnType<Volume['list']>> = [];
  const pending = [remote];
  while (pending.length > 0) {
    const root = pending.shift()!;
    const base = root === '/' ? 0 : root.replace(/\/+$/, '').split('/').length - 1;
    for (const entry of await volume.list(root, { depth: LIST_DEPTH, ...(signal ? { signal } : {}) })) {
      out.push(entry);
      const depth = entry.path.split('/').length - 1 - base;
      if (entry.type === 'directory' && depth >= LIST_DEPTH) pending.push(entry.path);
    }
  }
  return out;
}
