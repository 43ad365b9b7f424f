/**
 * A sandbox's disk: what it writes is held to its template's `diskSizeMB`, so writing past it
 * fails with ENOSPC inside the sandbox and never fills the host's disk.
 *
 * **Mechanism: an ext4 image per sandbox on a loop device** (root only). The image is a sparse
 * file in the sandbox's folder (`disk.img`, 0600): making it copies no data and costs a few
 * milliseconds of mkfs (no inode tables or journal are written: a fresh sparse file already
 * reads as zeros), and it takes host space only as the sandbox writes (it is mounted with
 * `discard`, so what the sandbox deletes is given back). The warm spare has its disk made before
 * it is taken, so a create from it pays nothing. Other mechanisms were weighed: XFS or ext4
 * project quotas would cost nothing per sandbox but need the state folder's file system mounted
 * with `prjquota` (rare, and not so here); a size-limited tmpfs holds the disk in RAM; FUSE
 * (fuse2fs) would work without root, at FUSE speed. They are not implemented: without root the
 * disk limit is reported as not enforced, and the sandbox works unlimited.
 *
 * **Layout.** The image is mounted at {@link writableRoot} (`<dir>/rw`, `nodev,nosuid`);
 * everything a sandbox can write lives there: `rw/fs` (its `/home`, `/root`, `/tmp`, `/var`) and
 * `rw/run` (envd's folder, `/run/e2b`), bind-mounted at the paths the rest of the backend uses,
 * `<dir>/fs` and `<dir>/run`, so nothing else changes. A writable layered root (overlayfs) puts
 * its upper and work folders beside them, in `writableRoot(dir)`, to be held to the same limit.
 *
 * **Where the mounts live.** In the host's mount namespace, where the daemon (copies, snapshots,
 * metrics) and bubblewrap (which binds `fs/home`, ...) find them. Other users see the mounts in
 * the mount table, but only under the state folder's opaque sandbox names (the folder is 0700),
 * as the security model already allows for. They are unmounted lazily (`umount -l`) when the
 * sandbox is killed and when the daemon stops (the loop device frees itself with the last
 * user); a daemon that died leaves them mounted, and the next one of the same state folder
 * takes them over. A restart mounts each kept sandbox's image again: its files survive.
 *
 * **What is not promised**: images are sparse, so the host's disk is not reserved for them.
 * One sandbox alone can never fill it (a disk bigger than the host's free space less 1 GiB is
 * made smaller, and the sandbox's log says so), but many sandboxes writing at once can together
 * use more than the host has free, as with any thin provisioning.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statfsSync, statSync } from 'node:fs';
import { open, statfs } from 'node:fs/promises';
import { delimiter, dirname, join, sep } from 'node:path';
import type { LimitStatus } from './cgroup.js';

/** The sandbox's disk image, in its folder. */
export const DISK_IMAGE = 'disk.img';
/** Host disk space a new sandbox disk always leaves free. */
const HOST_RESERVE = 1024 * 1024 * 1024;
/** A disk made smaller than asked for (to leave the host its reserve) is at least this big. */
const MIN_CAPPED = 64 * 1024 * 1024;
const MIB = 1024 * 1024;

/**
 * The folder on a sandbox's size-limited file system under which everything it may write lives
 * (its `fs` and `run`, and a layered root's upper and work folders). Where disks are not
 * enforced it is a plain folder with the same layout rules, so callers need no second path.
 */
export function writableRoot(dir: string): string {
  return join(dir, 'rw');
}

/** Used and total bytes of a sandbox's disk. */
export interface DiskStats {
  used: number;
  total: number;
}

function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function run(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const said = String(stderr).trim().split('\n').slice(-2).join(' / ');
      reject(new Error(`${program.split('/').pop()} failed: ${said || error.message}`));
    });
  });
}

/** Whether `path` is a mount point (its device differs from its parent's). */
function isMountPoint(path: string): boolean {
  try {
    return statSync(path).dev !== statSync(dirname(path)).dev;
  } catch {
    return false;
  }
}

/** Mount points at or under `dir` in this process's mount table, deepest first. */
export function mountsUnder(dir: string, mountinfo?: string): string[] {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return [];
  }
  let table = mountinfo;
  if (table === undefined) {
    try {
      table = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      return [];
    }
  }
  const points = table
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((p) => p === real || p.startsWith(`${real}${sep}`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Loop devices whose backing file is at or under `path` (from /sys/block/loopN/loop/backing_file;
 * a deleted file's path ends in " (deleted)").
 */
export function loopsBacking(path: string): string[] {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    real = path;
  }
  const out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync('/sys/block').filter((n) => n.startsWith('loop'));
  } catch {
    return out;
  }
  for (const name of names) {
    let file: string;
    try {
      file = readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8')
        .trim()
        .replace(/ \(deleted\)$/, '');
    } catch {
      continue; // not attached
    }
    if (file === real || file.startsWith(`${real}${sep}`)) out.push(`/dev/${name}`);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until no loop device is backed by a file at or under `path`; false after `ms`. */
async function loopsReleased(path: string, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; ; ) {
    if (loopsBacking(path).length === 0) return true;
    if (Date.now() > end) return false;
    await sleep(20);
  }
}

interface Tools {
  mkfs: string;
  mount: string;
  umount: string;
}

/** Sandbox disks of this machine: whether they are enforced, and their making and mounting. */
export class Disks {
  private constructor(
    readonly status: LimitStatus,
    private readonly tools: Tools | undefined,
  ) {}

  get enforced(): boolean {
    return this.status.enforced;
  }

  /** Disks that are not enforced, saying why. */
  static unenforced(why: string): Disks {
    return new Disks({ kind: 'disk', enforced: false, detail: why }, undefined);
  }

  /**
   * Finds out whether this machine can give sandboxes disks: root, the programs, loop devices,
   * and a real try (a small image made, mounted and removed in the state folder).
   */
  static async detect(stateRoot: string): Promise<Disks> {
    if (process.platform !== 'linux') return Disks.unenforced(`no disk limits on ${process.platform}`);
    if (process.getuid?.() !== 0) {
      return Disks.unenforced("needs root: a sandbox's disk is an ext4 image on a loop device (project quotas and FUSE disks are not implemented)");
    }
    const mkfs = findProgram('mkfs.ext4');
    const mount = findProgram('mount');
    const umount = findProgram('umount');
    if (!mkfs) return Disks.unenforced('mkfs.ext4 is not installed (e2fsprogs)');
    if (!mount || !umount) return Disks.unenforced('mount/umount are not installed (util-linux)');
    if (!existsSync('/dev/loop-control')) return Disks.unenforced('this system has no loop devices (/dev/loop-control is missing)');
    // mounts are found (to unmount them) in the mount table: without it a disk could not be let go
    if (!existsSync('/proc/self/mountinfo')) return Disks.unenforced("/proc is not mounted, and the disks' mounts are found through /proc/self/mountinfo");
    await Disks.removeProbes(stateRoot);
    const disks = new Disks(
      { kind: 'disk', enforced: true, detail: "an ext4 image of the template's disk size per sandbox, on a loop device" },
      { mkfs, mount, umount },
    );
    const probe = join(stateRoot, `.disk-probe-${randomBytes(4).toString('hex')}`);
    try {
      mkdirSync(probe, { recursive: true, mode: 0o700 });
      await disks.create(probe, 8);
      if (!isMountPoint(join(probe, 'fs'))) throw new Error('the probe disk did not mount');
      return disks;
    } catch (error) {
      return Disks.unenforced(`loop-mounting a disk image failed here: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await disks.unmount(probe).catch(() => {});
      rmSync(probe, { recursive: true, force: true });
    }
  }

  /** Removes the probes of a daemon that died while probing. */
  private static async removeProbes(stateRoot: string): Promise<void> {
    let names: string[] = [];
    try {
      names = readdirSync(stateRoot).filter((n) => n.startsWith('.disk-probe-'));
    } catch {
      return;
    }
    for (const name of names) {
      const points = mountsUnder(join(stateRoot, name));
      if (points.length) await run(findProgram('umount') ?? 'umount', ['-l', ...points]).catch(() => {});
      rmSync(join(stateRoot, name), { recursive: true, force: true });
    }
  }

  /**
   * Makes and mounts the disk of a new sandbox folder `dir`, before anything is written into its
   * `fs`. The disk is `sizeMB`, or smaller when the host has less free space than that plus its
   * reserve (then `capped` says so). Undefined where disks are not enforced.
   */
  async create(dir: string, sizeMB: number): Promise<{ sizeMB: number; capped: boolean } | undefined> {
    if (!this.tools) return undefined;
    const wanted = Math.max(1, Math.round(sizeMB)) * MIB;
    const host = await statfs(dir);
    const room = host.bavail * host.bsize - HOST_RESERVE;
    let bytes = wanted;
    if (room < wanted) {
      if (room < MIN_CAPPED) {
        throw new Error(
          `not enough free disk space on the host for the sandbox's disk: ${Math.floor((host.bavail * host.bsize) / MIB)} MiB free, ${HOST_RESERVE / MIB} MiB kept for the host`,
        );
      }
      bytes = Math.floor(room / MIB) * MIB;
    }
    const image = join(dir, DISK_IMAGE);
    const file = await open(image, 'wx', 0o600);
    try {
      await file.truncate(bytes);
    } finally {
      await file.close();
    }
    // -m 0: no blocks kept for root (sandbox root and user get the same disk); the lazy options
    // skip zeroing inode tables and journal, which a new sparse file already reads as zeros.
    await run(this.tools.mkfs, ['-q', '-F', '-m', '0', '-E', 'lazy_itable_init=1,lazy_journal_init=1,nodiscard', image]);
    await this.mountImage(dir);
    return { sizeMB: bytes / MIB, capped: bytes < wanted };
  }

  private async mountImage(dir: string, waitMs = 10_000): Promise<void> {
    const tools = this.tools!;
    const rw = writableRoot(dir);
    // `upper` holds a writable root's upper layers of /usr, /etc, ... (runtime/layers.ts); the
    // overlays themselves are mounted from the paths under `rw`, since overlayfs wants its upper
    // and work folders on one mount.
    const binds: Array<[string, string, number]> = [
      ['fs', join(dir, 'fs'), 0o755],
      ['run', join(dir, 'run'), 0o700],
      ['upper', join(dir, 'upper'), 0o755],
    ];
    mkdirSync(rw, { recursive: true, mode: 0o700 });
    for (const [, target, mode] of binds) mkdirSync(target, { recursive: true, mode });
    if (!isMountPoint(rw)) {
      // A disk unmounted a moment ago (lazily) may still be finishing on its old loop device:
      // mounting the image a second time meanwhile would have two file systems write to it.
      const image = join(dir, DISK_IMAGE);
      if (!(await loopsReleased(image, waitMs))) {
        throw new Error(
          `the sandbox's disk image is still attached to ${loopsBacking(image).join(', ')} (its last mount has not ended); not mounting it twice`,
        );
      }
      await run(tools.mount, ['-o', 'loop,nodev,nosuid,discard,noinit_itable', image, rw]);
    }
    for (const [name, target, mode] of binds) {
      mkdirSync(join(rw, name), { recursive: true, mode });
      if (!isMountPoint(target)) await run(tools.mount, ['--bind', join(rw, name), target]);
    }
  }

  /**
   * Makes sure the disk of a sandbox is mounted (after a restart, before its processes start).
   * False when it has none (a sandbox made before disks were enforced). Throws when it has one
   * that cannot be mounted here: started without it, the sandbox would find its files gone.
   */
  async mount(dir: string, waitMs = 10_000): Promise<boolean> {
    if (!existsSync(join(dir, DISK_IMAGE))) return false;
    if (!this.tools) throw new Error(`the sandbox's files are on its disk image, which cannot be mounted here (${this.status.detail})`);
    await this.mountImage(dir, waitMs);
    return true;
  }

  /**
   * Detaches every mount in a folder (a sandbox's disk, or all of them); the loop device frees
   * itself once the last user of the file system is gone. With `settle`, waits (a few seconds at
   * most) until it has, so the next daemon finds the images free.
   */
  async unmount(dir: string, settle = false): Promise<void> {
    const points = mountsUnder(dir);
    if (points.length > 0) await run(this.tools?.umount ?? 'umount', ['-l', ...points]);
    if (settle && this.tools) await loopsReleased(dir, 3000);
  }

  /**
   * At start-up: mounts the disk of every kept sandbox folder (one with a record), so its files
   * are there for copies and restarts; a disk that a daemon that died left mounted is taken over
   * as it is. Folders without a record (spares, leftovers, to be removed) are unmounted.
   */
  async recover(sandboxesDir: string, hasRecord: (dir: string) => boolean): Promise<string[]> {
    const problems: string[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(sandboxesDir);
    } catch {
      return problems;
    }
    // All at once: each may wait (seconds) for a loop device the last daemon released lazily.
    await Promise.all(
      names.map(async (name) => {
        const dir = join(sandboxesDir, name);
        try {
          // a loaded machine can take many seconds to finish the last daemon's lazy unmounts, and
          // a sandbox started without its disk would find its files gone: wait longer here
          if (hasRecord(dir)) await this.mount(dir, 60_000);
          else await this.unmount(dir);
        } catch (error) {
          problems.push(`the disk of ${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    return problems;
  }

  /** Used and total bytes of a sandbox's disk (a statfs, microseconds); undefined when it has none. */
  stats(dir: string): DiskStats | undefined {
    const fs = join(dir, 'fs');
    if (!this.tools || !isMountPoint(fs)) return undefined;
    const st = statfsSync(fs);
    return { used: (st.blocks - st.bfree) * st.bsize, total: st.blocks * st.bsize };
  }
}
