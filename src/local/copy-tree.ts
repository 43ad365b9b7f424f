/**
 * Copies a folder tree keeping what a sandbox's files need kept: modes, symlinks as symlinks,
 * timestamps and, when running as root, owners (Node's fs.cp drops owners, which would leave
 * `user`'s files owned by root in the copy), and overlayfs whiteouts and opaque folders.
 *
 * The source is a sandbox's files (snapshots, forks) or a template made from them, so it may be
 * hostile: the walk holds each folder open and never follows a symlink (see nofollow.ts), and
 * anything that is not a folder, file or symlink is left out.
 *
 * The destination may already hold a fresh sandbox's skeleton (a warm spare's folders, whose
 * `/var/run` is a symlink to `/run`): what is there is replaced, never followed, so a template
 * with a real `var/run/x` cannot write to the host's `/run/x`. The top-level folders are mount
 * points of a running spare and are never replaced by something else.
 */
import { execFile } from 'node:child_process';
import type { Stats } from 'node:fs';
import { promisify } from 'node:util';
import { chmod, constants, copyFile, lchown, lstat, lutimes, mkdir, readlink, rm, symlink, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { holdDir, openFileNoFollow, type HeldDir } from './nofollow.js';

const execFileAsync = promisify(execFile);

/** `exclude`: top-level names of `src` left out (a sandbox's overlay folders, copied apart). */
export async function copyTree(src: string, dst: string, opts: { exclude?: readonly string[] } = {}): Promise<void> {
  const keepOwners = process.getuid?.() === 0;
  const st = await lstat(src);
  if (st.isDirectory()) {
    const dir = holdDir(src);
    try {
      await mkdir(dst, { recursive: true });
      await copyFolder(dir, dst, keepOwners, true, opts.exclude ?? []);
    } finally {
      dir.close();
    }
    await finish(dst, st, keepOwners);
  } else {
    await copyEntry(src, st, dst, keepOwners);
  }
}

async function copyFolder(dir: HeldDir, dst: string, keepOwners: boolean, top: boolean, exclude: readonly string[] = []): Promise<void> {
  for (const name of await dir.names()) {
    if (top && exclude.includes(name)) continue;
    const from = dir.entry(name);
    const to = join(dst, name);
    const st = await lstat(from).catch(() => undefined);
    if (!st) continue; // gone meanwhile
    const there = await lstat(to).catch(() => undefined);
    if (st.isDirectory()) {
      if (there && !there.isDirectory()) await unlink(to);
      if (!there?.isDirectory()) await mkdir(to);
      // holdDir refuses a symlink swapped in since the lstat
      const sub = holdDir(from);
      try {
        await copyFolder(sub, to, keepOwners, false);
      } finally {
        sub.close();
      }
      await finish(to, st, keepOwners);
      await copyOpaque(from, to);
      continue;
    }
    if (there?.isDirectory()) {
      if (top) throw new Error(`${from} is not a folder, but the sandbox's ${name} must be one`);
      await rm(to, { recursive: true });
    } else if (there) {
      await unlink(to);
    }
    await copyEntry(from, st, to, keepOwners);
  }
}

/**
 * Copies a symlink, a regular file or an overlayfs whiteout (a character device 0:0: a host file
 * the sandbox deleted from its writable root) to a free name; sockets, FIFOs and other devices
 * are not saved state.
 */
async function copyEntry(from: string, st: Stats, to: string, keepOwners: boolean): Promise<void> {
  if (st.isCharacterDevice() && st.rdev === 0) {
    // Node cannot make device nodes; mknod(1) makes this one (unprivileged too, since Linux 5.8)
    await execFileAsync('mknod', [to, 'c', '0', '0']);
    if (keepOwners) await lchown(to, st.uid, st.gid);
    return;
  }
  if (st.isSymbolicLink()) {
    await symlink(await readlink(from), to);
    if (keepOwners) await lchown(to, st.uid, st.gid);
    await lutimes(to, st.atime, st.mtime).catch(() => {});
    return;
  }
  if (!st.isFile()) return;
  const file = await openFileNoFollow(from);
  try {
    // EXCL: the name was freed just before; never write through something that appeared there
    await copyFile(file.path, to, constants.COPYFILE_EXCL);
    await finish(to, await file.handle.stat(), keepOwners);
  } finally {
    await file.handle.close();
  }
}

/** The extended attributes that make a folder of an upper layer opaque (it hides the layers below). */
// the kernel's (privileged, and in a user namespace), and fuse-overlayfs's where trusted.* is not its to write
const OPAQUE_ATTRIBUTES = ['trusted.overlay.opaque', 'user.overlay.opaque', 'user.fuseoverlayfs.opaque'];

type Xattr = typeof import('@napi-rs/xattr');
let xattr: Promise<Xattr | undefined> | undefined;

/**
 * Copies overlayfs's opaque marker of a folder: a sandbox that deleted a folder of its template
 * and made a new one by that name has an opaque folder in its upper layer; copied without the
 * marker (into a snapshot's layer), the template's old files would show through it again.
 * Loaded on first use, and only on Linux: overlay layers exist nowhere else.
 */
async function copyOpaque(from: string, to: string): Promise<void> {
  if (process.platform !== 'linux') return;
  xattr ??= import('@napi-rs/xattr').catch(() => undefined);
  const api = await xattr;
  if (!api) return;
  for (const name of OPAQUE_ATTRIBUTES) {
    // trusted.* needs privileges to read or write: unprivileged, only user.* is ever there
    const value = await api.getAttribute(from, name).catch(() => null);
    if (value !== null && value !== undefined) await api.setAttribute(to, name, value);
  }
}

async function finish(path: string, st: Stats, keepOwners: boolean): Promise<void> {
  // owner before mode: chown clears set-id bits that chmod must put back
  if (keepOwners) await lchown(path, st.uid, st.gid);
  await chmod(path, st.mode & 0o7777);
  await utimes(path, st.atime, st.mtime);
}
