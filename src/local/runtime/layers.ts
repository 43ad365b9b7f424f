/**
 * A writable root for bubblewrap sandboxes, out of overlayfs layers (bubblewrap 0.8 has no
 * `--overlay`, so the mounts are made just before it starts, in a mount namespace of the
 * sandbox's own).
 *
 * The layout of a sandbox's folder `<dir>`:
 * - `merged/`: its `/`, an overlay of its upper layer `fs/` on the template's layers (a
 *   snapshot's files, highest first) on a skeleton layer (the mount points and empty folders of
 *   a root, the host's links into /usr). Its own `/home`, `/root`, `/tmp` and `/var` live in
 *   `fs/`, and so does anything written elsewhere outside the host's programs (`/0/x`).
 * - `merged/usr`, `merged/etc` (and `bin`, `lib`, ... on hosts whose `/bin` is not a link into
 *   `/usr`): overlays mounted below it, whose upper layers are `upper/usr`, `upper/etc`, ...,
 *   whose lower layers are the templates' `usr/` (...) folders and, lowest, the host's folder. A
 *   write there (`apt install`, `/usr/local/bin/tool`, `/etc/motd`) goes to the sandbox's copy;
 *   the host's folder is never written.
 * - `work/<name>`: overlayfs's work folders. Neither these nor the mount points are ever seen by
 *   the sandbox.
 *
 * Creating a sandbox from a template copies nothing: its layers are lower layers. A layer never
 * changes once made (templates.ts keeps each build's folder apart).
 *
 * `/etc` has one more lower layer between the host's and the templates': a mask of whiteouts
 * (content-addressed, shared by every sandbox, immutable once made) that hides what the host's
 * permissions say is secret, and the host's identity files (rootfs.ts decides which). The
 * sandbox's own passwd, group, shadow, hostname, ... are written into its `upper/etc` on its
 * first start, so it can change them (`useradd`) like any other file.
 *
 * Why not one overlay with the host's `/` as its lower layer: overlayfs refuses an upper layer
 * inside a lower one (the state folder is somewhere under `/`), and a lower layer of `/` would
 * show everything on the host unless each name were masked: listing what to show is safer than
 * listing what to hide.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EtcHidden } from './rootfs.js';

/** One overlay: lower layers (highest first), the sandbox's upper layer and where it is mounted. */
export interface OverlayMount {
  lower: string[];
  upper: string;
  work: string;
  target: string;
}

/** How the daemon can mount overlays for sandboxes. */
export interface OverlaySupport {
  /** `unshare` runs the mounts: a mount namespace (and, unprivileged, a user namespace) of the sandbox's own. */
  unshare: string;
  /** `kernel overlayfs` (privileged), `kernel overlayfs in a user namespace` (Linux 5.11+), `fuse-overlayfs …`. */
  description: string;
  /** Mount option the mode needs (`userxattr` in a user namespace). */
  extraOptions: string;
  privileged: boolean;
  /** The fuse-overlayfs program when overlays are mounted with it rather than the kernel's overlayfs. */
  fuse?: string;
}

/** Which overlay implementation to use: `E2B_TS_OVERLAY=kernel|fuse`, or the first that works. */
export type OverlayChoice = 'auto' | 'kernel' | 'fuse';

/**
 * First detaches the `$3` mount points that follow (other sandboxes' disks, which the new
 * namespace copied from the host's: held there for this sandbox's whole life, they would keep
 * those disks' loop devices busy after their own sandboxes let them go), then mounts as many
 * overlays as the next argument says, each described by four arguments (lower, upper, work,
 * target; `$1` is extra mount options, `$2` the fuse-overlayfs program or empty for the
 * kernel's overlayfs), then runs the rest of the arguments in their place (bubblewrap). The
 * paths are the daemon's (opaque folder names, never sandbox IDs).
 *
 * With fuse-overlayfs each overlay is a process serving the mount. They run in the foreground
 * as children of this shell, which stays to supervise instead of exec-ing bubblewrap: once
 * bubblewrap ends (envd died, or it was killed), the shell ends them, so no server outlives its
 * sandbox even where no cgroup holds the sandbox's processes. The shell's stdin (envd's
 * config) is handed on through fd 9: a shell gives a background command /dev/null as stdin
 * before that command's own redirections, so `<&0` alone would hand on /dev/null.
 */
export const MOUNT_SCRIPT = [
  'set -e',
  'opts=$1; fuse=$2; d=$3; shift 3',
  'while [ "$d" -gt 0 ]; do',
  '  umount -l "$1" 2>/dev/null || true',
  '  shift; d=$((d - 1))',
  'done',
  'n=$1; shift; servers=',
  'while [ "$n" -gt 0 ]; do',
  '  if [ -z "$fuse" ]; then',
  '    mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3$opts" "$4"',
  '  else',
  '    "$fuse" -f -o "lowerdir=$1,upperdir=$2,workdir=$3$opts" "$4" </dev/null &',
  '    servers="$servers $!"; t=0',
  '    until mountpoint -q "$4"; do',
  '      kill -0 $! 2>/dev/null || { echo "e2b-ts: fuse-overlayfs could not mount $4" >&2; exit 1; }',
  '      t=$((t + 1)); [ $t -lt 1000 ] || { echo "e2b-ts: fuse-overlayfs did not mount $4 in time" >&2; kill $servers; exit 1; }',
  '      sleep 0.01',
  '    done',
  '  fi',
  '  shift 4; n=$((n - 1))',
  'done',
  '[ -n "$fuse" ] || exec "$@"',
  'set +e',
  'exec 9<&0',
  '"$@" 0<&9 9<&- &',
  'child=$!',
  "trap 'kill -TERM $child 2>/dev/null' TERM INT HUP",
  'while :; do wait $child; status=$?; kill -0 $child 2>/dev/null || break; done',
  'kill $servers 2>/dev/null',
  'exit $status',
].join('\n');

/**
 * `unshare` and its arguments that give the mounts a namespace of their own; with `net`
 * (unprivileged), the sandbox's network namespace too, owned by the user namespace made here,
 * which the daemon's user can enter to write its rules (see bubblewrap.ts).
 */
export function unshareArgs(support: OverlaySupport, net = false): string[] {
  return support.privileged
    ? ['--mount', '--propagation', 'private']
    : ['--user', '--map-root-user', ...(net ? ['--net'] : []), '--mount', '--propagation', 'private'];
}

/** The full command line prefix that mounts `mounts` and then runs the command after it. */
export function mountCommand(
  support: OverlaySupport,
  mounts: OverlayMount[],
  detach: readonly string[] = [],
  opts: { net?: boolean } = {},
): { command: string; args: string[] } {
  const groups = mounts.flatMap((m) => [m.lower.join(':'), m.upper, m.work, m.target]);
  return {
    command: support.unshare,
    args: [
      ...unshareArgs(support, opts.net),
      '/bin/sh',
      '-c',
      MOUNT_SCRIPT,
      'e2b-ts-root',
      support.extraOptions,
      support.fuse ?? '',
      String(detach.length),
      ...detach,
      String(mounts.length),
      ...groups,
    ],
  };
}

/** Characters overlayfs's option string cannot carry in a path (`,` separates options, `:` lower layers). */
export function mountablePath(path: string): boolean {
  return !/[,:\\\n]/.test(path);
}

/**
 * Whether this machine can mount overlays for sandboxes: tried once for real, in a throwaway
 * folder, the way sandboxes will do it. The kernel's overlayfs first (fast, no process per
 * mount), then fuse-overlayfs where the kernel refuses (older kernels without unprivileged
 * overlayfs, or a kernel built without it); `choice` forces one. Undefined (with the reasons)
 * when neither works: sandboxes then keep a read-only root.
 */
export function probeOverlay(
  unshare: string | undefined,
  privileged: boolean,
  opts: { choice?: OverlayChoice; fuse?: string | undefined; scratch?: string } = {},
): OverlaySupport | { reason: string } {
  if (process.platform !== 'linux') return { reason: 'overlayfs is Linux only' };
  if (!unshare) return { reason: '`unshare` (util-linux) is not installed' };
  const choice = opts.choice ?? 'auto';
  const reasons: string[] = [];
  if (choice !== 'fuse') {
    const kernel: OverlaySupport = privileged
      ? { unshare, description: 'kernel overlayfs', extraOptions: '', privileged }
      : { unshare, description: 'kernel overlayfs in a user namespace', extraOptions: ',userxattr', privileged };
    const failed = tryOverlay(kernel, opts.scratch);
    if (!failed) return kernel;
    reasons.push(`overlayfs cannot be mounted here (${failed})`);
  }
  if (choice !== 'kernel') {
    if (!opts.fuse) reasons.push('fuse-overlayfs is not installed');
    else {
      // allow_other: sandbox processes run as other uids than the mounting one (root's `user`)
      const fuse: OverlaySupport = {
        unshare,
        description: `fuse-overlayfs${privileged ? '' : ' in a user namespace'}`,
        extraOptions: ',allow_other',
        privileged,
        fuse: opts.fuse,
      };
      const failed = tryOverlay(fuse, opts.scratch);
      if (!failed) return fuse;
      reasons.push(`fuse-overlayfs cannot mount here (${failed})`);
    }
  }
  return { reason: reasons.join('; ') };
}

/** Mounts one overlay the way sandboxes will, in a throwaway folder; the error, or undefined. */
function tryOverlay(support: OverlaySupport, scratch = tmpdir()): string | undefined {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(scratch, 'e2b-ts-overlay-probe-'));
    for (const name of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'lower', 'probe'), 'lower\n');
    const { command, args } = mountCommand(support, [
      { lower: [join(dir, 'lower')], upper: join(dir, 'upper'), work: join(dir, 'work'), target: join(dir, 'merged') },
    ]);
    // the mount must show the lower layer's file and take a write into the upper one
    const check = ['/bin/sh', '-c', 'test -f "$1" && : > "$2"', 'probe', join(dir, 'merged', 'probe'), join(dir, 'merged', 'written')];
    const probe = spawnSync(command, [...args, ...check], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000, encoding: 'utf8' });
    if (probe.status === 0 && existsSync(join(dir, 'upper', 'written'))) return undefined;
    return (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0];
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The mask layer of `/etc`: an empty tree but for whiteouts over `hidden` (and over `extra`
 * top-level names), with the folders on the way made as the host has them (a folder of a lower
 * layer gives the merged folder its owner and mode). Made once per distinct content under
 * `<layers>/etc-mask-<hash>` and never changed after: overlayfs forbids changing a lower layer
 * while it is mounted.
 */
export function etcMaskLayer(layersDir: string, hidden: EtcHidden, extra: readonly string[], etc = '/etc'): string {
  const whiteouts = [...new Set([...hidden.files, ...hidden.dirs, ...extra])].sort();
  const parents = [...new Set(whiteouts.flatMap((p) => ancestors(p)))].sort();
  const describe = parents.map((p) => {
    const st = statSync(join(etc, p));
    return `${p}:${st.mode & 0o7777}:${st.uid}:${st.gid}`;
  });
  const hash = createHash('sha256').update(JSON.stringify({ whiteouts, describe })).digest('hex').slice(0, 20);
  return immutableLayer(layersDir, `etc-mask-${hash}`, (temp) => {
    for (const p of parents) {
      const st = statSync(join(etc, p));
      mkdirSync(join(temp, p));
      if (process.getuid?.() === 0) chownSync(join(temp, p), st.uid, st.gid);
      chmodSync(join(temp, p), st.mode & 0o7777);
    }
    // A whiteout is a character device 0:0; Node cannot make one, mknod(1) can (without
    // privileges too, since Linux 5.8). One shell for all of them.
    if (whiteouts.length > 0) {
      const made = spawnSync('/bin/sh', ['-c', 'for p; do mknod "$p" c 0 0 || exit 1; done', 'mknod', ...whiteouts.map((w) => join(temp, w))], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      });
      if (made.status !== 0) throw new Error(`could not make the /etc mask layer: ${(made.stderr || made.error?.message || '').trim()}`);
    }
  });
}

/**
 * The layer `<layersDir>/<name>`, made by `build` into a temporary folder and renamed into place
 * unless it exists: named by a hash of its content, it is the same whoever made it, and it is
 * never changed once there (overlayfs forbids changing a lower layer while it is mounted).
 */
export function immutableLayer(layersDir: string, name: string, build: (temp: string) => void): string {
  const final = join(layersDir, name);
  if (existsSync(final)) return final;
  mkdirSync(layersDir, { recursive: true, mode: 0o700 });
  const temp = mkdtempSync(join(layersDir, '.making-'));
  try {
    build(temp);
    chmodSync(temp, 0o755);
    try {
      renameSync(temp, final);
    } catch (error) {
      // made meanwhile by another start: that one is the same
      if (!existsSync(final)) throw error;
      rmSync(temp, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return final;
}

/** `a/b/c` → `a`, `a/b`. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let p = dirname(path); p !== '.' && p !== '/'; p = dirname(p)) out.unshift(p);
  return out;
}

/** True when `path` is a real folder (not a symlink, not anything else). */
export function isRealDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
