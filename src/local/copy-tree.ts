/**
 * Copies a folder tree keeping what a sandbox's files need kept: modes, symlinks as symlinks,
 * timestamps and, when running as root, owners (Node's fs.cp drops owners, which would leave
 * `user`'s files owned by root in the copy).
 */
import { chmod, copyFile, lchown, lstat, lutimes, mkdir, readdir, readlink, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export async function copyTree(src: string, dst: string): Promise<void> {
  const keepOwners = process.getuid?.() === 0;
  const st = await lstat(src);
  if (st.isSymbolicLink()) {
    await symlink(await readlink(src), dst);
    if (keepOwners) await lchown(dst, st.uid, st.gid);
    await lutimes(dst, st.atime, st.mtime).catch(() => {});
    return;
  }
  if (st.isDirectory()) {
    await mkdir(dst, { recursive: true });
    for (const name of await readdir(src)) await copyTree(join(src, name), join(dst, name));
  } else if (st.isFile()) {
    await copyFile(src, dst);
  } else {
    // sockets, FIFOs and devices are not part of a sandbox's saved state
    return;
  }
  // owner before mode: chown clears set-id bits that chmod must put back
  if (keepOwners) await lchown(dst, st.uid, st.gid);
  await chmod(dst, st.mode & 0o7777);
  await utimes(dst, st.atime, st.mtime);
}
