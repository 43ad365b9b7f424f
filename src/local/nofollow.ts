/**
 * Walking folders a sandbox controls without following anything it planted.
 *
 * The daemon runs as root on the host; a sandbox's root can replace any name in its files with a
 * symlink at any moment. Checking a name with lstat and then using it by path leaves a window in
 * which the name can change, so host-side walks hold the folder itself: it is opened with
 * O_NOFOLLOW|O_DIRECTORY, and its entries are named `/proc/self/fd/<fd>/<entry>`, a path the
 * kernel resolves to the very folder that was opened (openat(2) semantics, which Node lacks).
 * Entries are then opened with O_NOFOLLOW too, so a symlink put in an entry's place fails the
 * open instead of being followed.
 *
 * Without /proc (macOS, Windows: only the unisolated runtime runs there, which isolates nothing
 * anyway) the same calls fall back to plain paths.
 */
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const viaProc = process.platform === 'linux' && existsSync('/proc/self/fd');
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;
// A FIFO swapped in for a file would block a plain open for ever.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/** A folder held open while it is walked. */
export interface HeldDir {
  /** A path naming `name` inside exactly this folder. */
  entry(name: string): string;
  /** The names in the folder. */
  names(): Promise<string[]>;
  close(): void;
}

/**
 * Opens a folder for walking; fails (ELOOP or ENOTDIR) when `path` is a symlink or not a
 * folder, so callers never walk into a place a sandbox pointed them to.
 */
export function holdDir(path: string): HeldDir {
  const fd = openSync(path, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!viaProc) {
    closeSync(fd);
    return { entry: (name) => join(path, name), names: () => readdir(path), close: () => {} };
  }
  const self = `/proc/self/fd/${fd}`;
  let open = true;
  return {
    entry: (name) => `${self}/${name}`,
    names: () => readdir(self),
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Opens a regular file for reading without following a symlink at its name. */
export async function openFileNoFollow(path: string): Promise<{ handle: FileHandle; path: string }> {
  const handle = await open(path, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EINVAL' });
  } catch (error) {
    await handle.close();
    throw error;
  }
  // copyFile and friends take paths; this one names the opened file whatever its name is now.
  return { handle, path: viaProc ? `/proc/self/fd/${handle.fd}` : path };
}
