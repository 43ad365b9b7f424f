/**
 * What an interrupted daemon or envd leaves behind, found and removed at the next chance:
 *
 * - process trees of sandboxes whose daemon died (a frozen tree cannot act on the signal its
 *   dying parent sends; the unisolated runtime's envd does not even get one). Each running
 *   sandbox's record keeps the identity of its process tree's root: pid, start time and boot
 *   (runtime/process-tree-types.ts), so a pid the system has since given to another program is never touched;
 * - upload temporaries (`.e2b-ts-upload-*`, see envd/filesystem/upload-temp.ts) that an envd
 *   killed in the middle of a transfer could not rename or remove.
 *
 * The cgroup freezer groups of a dead daemon are reaped by runtime/freezer.ts
 * (`releaseStaleGroups`), which the daemon calls before it loads its sandboxes.
 */
import type { Stats } from 'node:fs';
import { lstat, unlink } from 'node:fs/promises';
import { isUploadTemp } from '../envd/filesystem/upload-temp.js';
import { holdDir, type HeldDir } from '../nofollow.js';
import { killTree, processTree, type ProcessIdentity, type ProcessTree } from '../runtime/process-tree.js';

export type { ProcessIdentity };

/** The identity of a live process, or undefined where the backend cannot tell (gone, or no way to know). */
export function identifyProcess(pid: number, tree: ProcessTree = processTree()): Promise<ProcessIdentity | undefined> {
  return tree.identify(pid);
}

/** Whether `identity` names a process that still runs (the same one, not a reused pid). */
export async function stillRunning(identity: ProcessIdentity, tree: ProcessTree = processTree()): Promise<boolean> {
  const now = await identifyProcess(identity.pid, tree);
  return now !== undefined && now.startTicks === identity.startTicks && now.bootId === identity.bootId;
}

/** Kills the process tree a dead daemon left, if it still runs; true when there was one. */
export async function reapProcessTree(identity: ProcessIdentity, tree: ProcessTree = processTree()): Promise<boolean> {
  if (!(await stillRunning(identity, tree))) return false;
  await killTree(identity.pid, tree);
  return true;
}

/**
 * Deletes upload temporaries below `root` (a sandbox's files); returns how many. The tree is
 * the sandbox's, so nothing in it is followed: each folder is held open while it is read
 * (nofollow.ts), entries are reached through it, and a symlink in a folder's place is skipped.
 * Folders that cannot be read are skipped too: this is cleaning, not a check.
 */
export async function removeUploadTemps(root: string): Promise<number> {
  let held: HeldDir;
  try {
    held = holdDir(root);
  } catch {
    return 0;
  }
  let removed = 0;
  try {
    for (const name of await held.names()) {
      const path = held.entry(name);
      let st: Stats;
      try {
        st = await lstat(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        removed += await removeUploadTemps(path);
      } else if (st.isFile() && isUploadTemp(name)) {
        try {
          await unlink(path);
          removed++;
        } catch {
          // gone meanwhile
        }
      }
    }
  } catch {
    // the folder went away while it was read
  } finally {
    held.close();
  }
  return removed;
}
