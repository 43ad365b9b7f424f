/**
 * The isolated runtime: each sandbox is a bubblewrap container. Its root is assembled from the
 * host's programs without the host's secrets or data (rootfs.ts); `/home`, `/root`, `/tmp` and
 * `/var` are the sandbox's own folders; it has its own PID, IPC and UTS namespaces (and its own
 * empty network namespace when internet access is off), and root in it keeps only a
 * container-like set of capabilities, without raw sockets.
 *
 * envd runs inside as root and starts processes as `user` (uid 1000) or `root`, so paths, users
 * and permissions behave as in an E2B sandbox without any translation. It inherits its
 * listening socket from the daemon (socket.ts), and bubblewrap reads its arguments from a pipe,
 * so no host path naming the sandbox appears on any command line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { packageRoot } from '../../version.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  chmodSync,
  constants as fsConstants,
  copyFileSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { EnvdConfig, EnvdUser } from '../envd/config.js';
import { SUDO_SOCKET } from '../envd/sudo/protocol.js';
import { PTY_PACKAGE } from '../envd/process/pty-package.js';
import { createFreezer } from './freezer.js';
import { ARGS_FD, BLOCK_FD, envdBundlePath, INFO_FD, joinCgroupCommand, launch } from './launch.js';
import { handleEgress, readHostsFile } from './egress-proxy.js';
import {
  applyEgress,
  attachSlirp,
  describeNetwork,
  hostOnly,
  needsUplink,
  nsenterArgs,
  unwatchHostAddresses,
  watchHostAddresses,
  type EgressPolicy,
  type FoundNetworkTools,
  type NetworkTools,
} from './network.js';
import { writableRoot as diskRoot } from './disk.js';
import {
  etcMaskLayer,
  immutableLayer,
  isRealDir,
  mountablePath,
  mountCommand,
  probeOverlay,
  type OverlayChoice,
  type OverlayMount,
  type OverlaySupport,
} from './layers.js';
import { etcHidden, GENERATED_ETC, generatedTarget, kernelMounts, PROGRAM_DIRS, programMounts } from './rootfs.js';
import type { Runtime, SandboxProcess, SandboxSpec } from './types.js';

/**
 * The capabilities root keeps inside a sandbox: Docker's default set without CAP_NET_RAW. A
 * sandbox with internet access shares the host's network namespace, where a raw or packet
 * socket would read every other program's loopback traffic (API keys, access tokens).
 */
export const KEPT_CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_MKNOD',
  'CAP_AUDIT_WRITE',
  'CAP_SETFCAP',
];

export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const USER_UID = 1000;
/** Accounts of the host kept in the sandbox's passwd/group: system accounts, not people. */
const SYSTEM_ID_LIMIT = 1000;
const NOBODY_ID = 65534;

/** A host folder mounted read-only into the sandbox: [host path, path inside]. */
export type PtyMount = [string, string];

/**
 * Host folders of the pty package envd loads for terminals and of the platform package that
 * holds its native binary, each mounted at /run/e2b-bin/node_modules/<name>, where envd's bundle
 * resolves them as Node does on the host (the binary package is found beside the pty package,
 * wherever npm put it on the host). envd sees only its own bundle and these, never the rest of
 * the host's node_modules. Empty when the pty package is not installed, and without the binary
 * package when that is missing: PTYs then fail cleanly, with the package's own explanation.
 */
export function ptyMounts(): PtyMount[] {
  return nativePackageMounts(PTY_PACKAGE);
}

/**
 * Host folders of a native package envd loads (the pty package; `@napi-rs/xattr`, for metadata
 * as xattrs) and of whichever of its per-platform binary packages (its optional dependencies)
 * is installed, each at /run/e2b-bin/node_modules/<name>. Empty when the package is missing:
 * envd then fails PTYs cleanly, or keeps metadata in its table.
 */
export function nativePackageMounts(name: string): PtyMount[] {
  const inside = (pkg: string) => `/run/e2b-bin/node_modules/${pkg}`;
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve(`${name}/package.json`);
  } catch {
    return [];
  }
  const mounts: PtyMount[] = [[dirname(main), inside(name)]];
  const optional = Object.keys((JSON.parse(readFileSync(main, 'utf8')) as { optionalDependencies?: Record<string, string> }).optionalDependencies ?? {});
  for (const binary of optional) {
    try {
      mounts.push([dirname(createRequire(main).resolve(`${binary}/package.json`)), inside(binary)]);
    } catch {
      // not this platform's
    }
  }
  return mounts;
}

/** Whether bubblewrap is installed and able to create a sandbox here. */
export function bubblewrapWorks(binary = 'bwrap'): boolean {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync(binary, ['--ro-bind', '/', '/', '--unshare-pid', '--die-with-parent', '--dev', '/dev', 'true'], {
    stdio: 'ignore',
    timeout: 5000,
  });
  return probe.status === 0;
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The host's system accounts of a passwd or group file (id field `idField`), without root and user. */
function systemEntries(path: string, idField: number): string[] {
  return readLines(path).filter((line) => {
    const fields = line.split(':');
    const id = Number(fields[idField]);
    return fields[0] !== 'root' && fields[0] !== 'user' && Number.isInteger(id) && id > 0 && (id < SYSTEM_ID_LIMIT || id === NOBODY_ID);
  });
}

/**
 * The sandbox's own /etc files: accounts (the host's system accounts plus `root` and `user`,
 * all passwords locked), its host name, hosts, a machine ID of its own (kept across restarts)
 * and the host's DNS servers. Written to `<dir>/etc`, a folder no sandbox can see or change.
 */
/** slirp4netns's DNS forwarder: it asks the host's resolvers, wherever they listen (127.0.0.53 too). */
export const SANDBOX_DNS = '10.0.2.3';

export function generatedEtc(dir: string, opts: { dns?: string } = {}): Map<string, string> {
  const etc = join(dir, 'etc');
  mkdirSync(etc, { recursive: true, mode: 0o700 });
  const passwd = [
    'root:x:0:0:root:/root:/bin/bash',
    ...systemEntries('/etc/passwd', 2),
    `user:x:${USER_UID}:${USER_UID}:E2B sandbox user:/home/user:/bin/bash`,
  ];
  const group = ['root:x:0:', ...systemEntries('/etc/group', 2), `user:x:${USER_UID}:`];
  const locked = (line: string) => `${line.split(':')[0]}:*:20000:0:99999:7:::`;
  const lockedGroup = (line: string) => `${line.split(':')[0]}:*::`;
  const machineIdFile = join(etc, 'machine-id');
  const machineId = existsSync(machineIdFile) ? readFileSync(machineIdFile, 'utf8') : `${randomBytes(16).toString('hex')}\n`;
  let resolv = '';
  try {
    resolv = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // no DNS on the host either
  }
  // In its own network namespace the host's nameserver addresses may mean nothing (a loopback
  // resolver is the sandbox's own loopback): ask the forwarder, keep search and options.
  if (opts.dns) resolv = [...resolv.split('\n').filter((line) => line.trim() && !/^\s*nameserver\b/.test(line)), `nameserver ${opts.dns}`].join('\n');
  const content: Record<string, { text: string; mode: number }> = {
    passwd: { text: passwd.join('\n'), mode: 0o644 },
    group: { text: group.join('\n'), mode: 0o644 },
    shadow: { text: passwd.map(locked).join('\n'), mode: 0o600 },
    gshadow: { text: group.map(lockedGroup).join('\n'), mode: 0o600 },
    hostname: { text: 'e2b', mode: 0o644 },
    hosts: { text: '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\te2b', mode: 0o644 },
    'machine-id': { text: machineId.trim(), mode: 0o444 },
    'resolv.conf': { text: resolv.trimEnd(), mode: 0o644 },
  };
  const files = new Map<string, string>();
  for (const name of GENERATED_ETC) {
    const file = join(etc, name);
    writeFileSync(file, `${content[name].text}\n`, { mode: content[name].mode });
    chmodSync(file, content[name].mode);
    files.set(name, file);
  }
  return files;
}

/** The sandbox's own folders and their modes when first made (`/tmp` is sticky and open to all). */
const OWN_FOLDERS: Array<{ name: string; mode: number }> = [
  { name: 'home', mode: 0o755 },
  { name: 'root', mode: 0o700 },
  { name: 'tmp', mode: 0o1777 },
  { name: 'var', mode: 0o755 },
];
/** A fresh /var, as a Debian system has it. */
const VAR_FOLDERS: Array<{ name: string; mode: number }> = [
  { name: 'tmp', mode: 0o1777 },
  ...['log', 'cache', 'lib', 'spool', 'mail', 'local', 'opt', 'backups'].map((name) => ({ name, mode: 0o755 })),
];

/** Makes a folder with `mode` unless something is there; true when it made it. */
function makeFolder(path: string, mode: number): boolean {
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  chmodSync(path, mode);
  return true;
}

/**
 * Creates the sandbox's own folders with the owners and modes a fresh E2B sandbox has.
 *
 * Everything below them belongs to the sandbox, whose root may have replaced any name with a
 * symlink to a host folder (`/home/user -> /etc`), so what exists is left as it is: nothing is
 * chowned, chmodded or followed. The folders themselves are only ever made by the daemon; one
 * that is not a real folder means the state was tampered with, and the sandbox does not start.
 */
export function prepareSandboxFs(dir: string, privileged: boolean, fs = join(dir, 'fs')): { home: string; root: string; tmp: string; var: string } {
  mkdirSync(fs, { recursive: true });
  const paths: Record<string, string> = {};
  for (const { name, mode } of OWN_FOLDERS) {
    const path = join(fs, name);
    const made = makeFolder(path, mode);
    if (!made && !lstatSync(path).isDirectory()) throw new Error(`the sandbox's /${name} is not a folder on the host (${path}); refusing to start it`);
    if (made && name === 'var') {
      for (const sub of VAR_FOLDERS) makeFolder(join(path, sub.name), sub.mode);
      symlinkSync('/run', join(path, 'run'));
      symlinkSync('/run/lock', join(path, 'lock'));
    }
    paths[name] = path;
  }
  const home = join(paths.home, 'user');
  if (makeFolder(home, 0o755) && privileged) lchownSync(home, USER_UID, USER_UID);
  return { home: paths.home, root: paths.root, tmp: paths.tmp, var: paths.var };
}

/**
 * An empty file and folder, owned by the daemon, mounted over what the sandbox must not see.
 * Anything else found under those names (a file with content, a folder with entries) is made
 * empty again: sandboxes would see it in place of the host's secrets.
 */
function emptyMasks(stateRoot: string): { file: string; dir: string } {
  const masks = join(stateRoot, 'masks');
  const file = join(masks, 'empty-file');
  const dir = join(masks, 'empty-dir');
  mkdirSync(masks, { recursive: true, mode: 0o700 });
  const fileSt = lstatOrUndefined(file);
  if (!fileSt?.isFile() || fileSt.size !== 0) {
    rmSync(file, { recursive: true, force: true });
    writeFileSync(file, '', { mode: 0o000, flag: 'wx' });
  }
  const dirSt = lstatOrUndefined(dir);
  if (!dirSt?.isDirectory() || readdirSync(dir).length > 0) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { mode: 0o700 });
  }
  return { file, dir };
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Folders a mount inside /run needs on the way, readable by every user (bubblewrap would make them 0700). */
function runParents(target: string): string[] {
  const out: string[] = [];
  for (let dir = posix.dirname(target); dir !== '/run' && dir !== '/'; dir = posix.dirname(dir)) out.unshift('--dir', dir);
  return out;
}

/** The real path of the state folder when it lies in a tree the sandbox sees (then it is hidden). */
function visibleState(stateRoot: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(stateRoot);
  } catch {
    return undefined;
  }
  return ['/usr', '/etc', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'].some((p) => real === p || real.startsWith(`${p}/`)) ? real : undefined;
}

/** A writable root (layers.ts): the overlays to mount and the merged `/` bubblewrap binds. */
export interface WritableRoot {
  /** The merged `/` (its overlays mounted below it). */
  root: string;
  mounts: OverlayMount[];
}

/**
 * Lays out a sandbox's writable root (see layers.ts) and returns its overlays: the root, then
 * one per folder of the host's programs and `/etc`, mounted below it. Everything made in the
 * sandbox's upper layers is made only when missing and never through a symlink root left there.
 */
export function writableRoot(spec: SandboxSpec, privileged: boolean, etcFiles: Map<string, string>): WritableRoot {
  // Where the sandbox has a disk of its own (runtime/disk.ts), its upper and work folders are
  // on it, and the overlays are mounted from there: overlayfs wants upper and work folders on
  // one mount, and the daemon's views of them (`<dir>/fs`, `<dir>/upper`) are bind mounts.
  const rw = diskRoot(spec.dir);
  const base = onOwnMount(rw, spec.dir) ? rw : spec.dir;
  const fs = join(base, 'fs');
  // Its own /home, /root, /tmp and /var come from the skeleton (or a template above it), and
  // land in fs/ as the sandbox writes to them.
  if (!existsOrLink(fs)) mkdirSync(fs, { mode: 0o755 });
  if (!isRealDir(fs)) throw new Error(`the sandbox's / is not a folder on the host (${fs}); refusing to start it`);
  const layersDir = join(spec.stateRoot, 'layers');
  const templateLayers = spec.layers ?? [];
  const overlayNames: string[] = [];
  const links: Array<[string, string]> = [];
  for (const name of PROGRAM_DIRS) {
    let st: Stats;
    try {
      st = lstatSync(`/${name}`);
    } catch {
      continue;
    }
    // merged /usr: /bin is a link into /usr, in the sandbox as on the host
    if (st.isSymbolicLink()) links.push([name, readlinkSync(`/${name}`)]);
    else if (st.isDirectory()) overlayNames.push(name);
  }
  overlayNames.push('etc');
  const merged = join(spec.dir, 'merged');
  const mounts: OverlayMount[] = [];
  const dirFor = (kind: 'work' | 'upper', name: string) => {
    const path = join(base, kind, name);
    mkdirSync(path, { recursive: true, mode: kind === 'work' ? 0o700 : 0o755 });
    if (!isRealDir(path)) throw new Error(`the sandbox's ${kind} layer ${name} is not a folder on the host (${path}); refusing to start it`);
    return path;
  };
  mkdirSync(merged, { recursive: true, mode: 0o700 });
  mounts.push({
    lower: [...templateLayers, skeletonLayer(layersDir, overlayNames, links, privileged)],
    upper: fs,
    work: dirFor('work', 'root'),
    target: merged,
  });
  const mask = etcMaskLayer(layersDir, etcHidden('/etc'), GENERATED_ETC);
  for (const name of overlayNames) {
    const lower = [...templateLayers.map((l) => join(l, name)).filter(isRealDir), ...(name === 'etc' ? [mask] : []), `/${name}`];
    mounts.push({ lower, upper: dirFor('upper', name), work: dirFor('work', name), target: join(merged, name) });
  }
  // The sandbox's own account, host and DNS files, written once into its upper /etc: from then
  // on they are its files, which it may change (`useradd`). COPYFILE_EXCL never writes through
  // a link planted there.
  for (const [name, file] of etcFiles) {
    const target = join(base, 'upper', 'etc', name);
    if (!existsOrLink(target)) copyFileSync(file, target, fsConstants.COPYFILE_EXCL);
  }
  return { root: merged, mounts };
}

/** Empty folders of a fresh root, and where bubblewrap mounts /dev, /proc, /sys and /run. */
const SKELETON_FOLDERS = ['mnt', 'media', 'srv', 'opt', 'dev', 'proc', 'sys', 'run'];

/**
 * The lowest layer of every writable root: a fresh root's own folders (`/home/user` the user's,
 * `/root`, a sticky `/tmp`, a Debian `/var`), the mount points of the overlays and of
 * bubblewrap, the empty folders a root has, and the host's links into /usr. Made once per
 * distinct content (immutable once made, as a lower layer must be); templates lie above it, so
 * a snapshot's `/home/user` (whatever it became) wins over this one.
 */
function skeletonLayer(layersDir: string, overlayNames: string[], links: Array<[string, string]>, privileged: boolean): string {
  const folders = [...new Set([...overlayNames, ...SKELETON_FOLDERS])].sort();
  const hash = createHash('sha256')
    .update(JSON.stringify({ folders, links, own: OWN_FOLDERS, var: VAR_FOLDERS, privileged, v: 2 }))
    .digest('hex')
    .slice(0, 20);
  return immutableLayer(layersDir, `skeleton-${hash}`, (temp) => {
    for (const name of folders) mkdirSync(join(temp, name), { mode: 0o755 });
    for (const [name, target] of links) symlinkSync(target, join(temp, name));
    prepareSandboxFs(temp, privileged, join(temp, 'own'));
    for (const name of readdirSync(join(temp, 'own'))) renameSync(join(temp, 'own', name), join(temp, name));
    rmSync(join(temp, 'own'), { recursive: true });
  });
}

/**
 * Disk mounts a sandbox's namespace lets go: every mount backed by a loop device (other
 * sandboxes' disks and their binds, of this daemon or any other on the host) except its own.
 * The namespace copies the host's mount table and keeps it for the sandbox's whole life: held
 * there, those disks' loop devices would stay busy after their own sandboxes let them go.
 */
function othersMounts(dir: string, mountinfo?: string): string[] {
  let own: string;
  let table = mountinfo;
  try {
    own = realpathSync(dir);
    table ??= readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const points = new Set<string>();
  for (const line of table.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!after) continue;
    const source = after.split(' ')[1] ?? '';
    const point = (before.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
    if (/^\/dev\/loop\d+$/.test(source) && point !== own && !point.startsWith(`${own}/`)) points.add(point);
  }
  return [...points].sort((a, b) => b.length - a.length);
}

/** Whether `path` is a mount of its own (another file system than `parent`'s). */
function onOwnMount(path: string, parent: string): boolean {
  try {
    return statSync(path).dev !== statSync(parent).dev;
  } catch {
    return false;
  }
}

function existsOrLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Where the sandbox's sudo goes when /usr/bin cannot take it (see sudoMounts). */
export const SUDO_FALLBACK_DIR = '/run/e2b-bin/sbin';

/**
 * Whether /usr/bin/sudo can be a mount point: the host has a sudo to cover (a setuid one could
 * not work under NoNewPrivs anyway), or the root is writable and bubblewrap, as root, can make
 * the file (unprivileged, the program folders of a writable root stay read-only).
 */
export function sudoInUsrBin(writableRoot: boolean, privileged: boolean): boolean {
  return existsSync('/usr/bin/sudo') || (writableRoot && privileged);
}

/**
 * The sandbox's `sudo` (envd/sudo): its bundle beside envd's, and a script that runs it, at
 * /usr/bin/sudo where that can be mounted, else in SUDO_FALLBACK_DIR, which then ends PATH.
 */
function sudoMounts(dir: string, envdBundle: string, inUsrBin: boolean): string[] {
  const bundle = join(dirname(envdBundle), 'sudo.mjs');
  if (!existsSync(bundle)) return [];
  const script = join(dir, 'sudo');
  rmSync(script, { force: true });
  writeFileSync(script, '#!/bin/sh\nexec /run/e2b-bin/node /run/e2b-bin/sudo.mjs "$@"\n', { mode: 0o755 });
  return ['--ro-bind', bundle, '/run/e2b-bin/sudo.mjs', '--ro-bind', script, inUsrBin ? '/usr/bin/sudo' : `${SUDO_FALLBACK_DIR}/sudo`];
}

/** The bubblewrap arguments of one sandbox (everything but the command). */
export function bubblewrapArgs(
  spec: SandboxSpec,
  opts: { privileged: boolean; ptyMounts: PtyMount[]; envdBundle: string; overlay?: OverlaySupport; hostNetwork?: boolean },
): { args: string[]; mounts: OverlayMount[] } {
  const { privileged } = opts;
  const run = join(spec.dir, 'run');
  mkdirSync(run, { recursive: true, mode: 0o700 });
  const generated = generatedEtc(spec.dir, opts.hostNetwork ? {} : { dns: SANDBOX_DNS });
  const masks = emptyMasks(spec.stateRoot);
  // Each start of the sandbox's processes is a boot, as a cold boot on E2B is: a boot id of its
  // own, read-only over the host's (code tells a reboot after a files-only pause by it).
  const bootId = join(spec.dir, 'boot_id');
  rmSync(bootId, { force: true });
  writeFileSync(bootId, `${randomUUID()}\n`, { mode: 0o444 });
  const envdMounts = [
    '--tmpfs',
    '/run',
    '--bind',
    run,
    '/run/e2b',
    // readable by every user (the daemon's umask would make it root's alone): the sandbox's sudo
    // runs this node; nothing here is secret (envd's secrets come through its stdin)
    '--perms',
    '0755',
    '--dir',
    '/run/e2b-bin',
    '--ro-bind',
    process.execPath,
    '/run/e2b-bin/node',
    '--ro-bind',
    opts.envdBundle,
    '/run/e2b-bin/envd.mjs',
    ...opts.ptyMounts.flatMap(([host, inside]) => ['--ro-bind', host, inside]),
    ...sudoMounts(spec.dir, opts.envdBundle, sudoInUsrBin(opts.overlay !== undefined, privileged)),
  ];
  const namespaces = [
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--hostname',
    'e2b',
    // A network namespace of its own, always (network.ts fills it before envd starts), unless
    // the user chose the host's network (E2B_TS_NETWORK=host).
    // Unprivileged, the namespace is made by the `unshare` that starts bubblewrap: bubblewrap
    // nests a user namespace of its own, and one it made the network in would be out of the
    // daemon's reach (setns wants the namespace's owner).
    ...(opts.hostNetwork
      ? spec.allowInternetAccess
        ? []
        : ['--unshare-net']
      : [...(privileged ? ['--unshare-net'] : []), '--info-fd', String(INFO_FD), '--block-fd', String(BLOCK_FD)]),
    ...(privileged ? [] : ['--unshare-user', '--uid', String(USER_UID), '--gid', String(USER_UID)]),
  ];
  const caps = privileged ? ['--cap-drop', 'ALL', ...KEPT_CAPS.flatMap((c) => ['--cap-add', c])] : [];
  // Volumes, read-write. Their host folders are the daemon's (never a path a sandbox names); the
  // mount point is made in the sandbox's own files if missing.
  const volumeMounts = (spec.volumes ?? []).flatMap((v) => ['--bind', v.source, v.target]);
  if (opts.overlay) {
    const root = writableRoot(spec, privileged, generated);
    return {
      mounts: root.mounts,
      args: [
        ...namespaces,
        // recursive: the overlays of /usr, /etc, ... mounted below it come along
        '--bind',
        root.root,
        '/',
        '--dev',
        '/dev',
        // after the root (they are mounted on it), before the kernel's and envd's mounts, which
        // stay what they are whatever a sandbox made of a mount point's path
        ...volumeMounts,
        ...kernelMounts(masks, bootId),
        ...envdMounts,
        ...caps,
        '--chdir',
        '/',
      ],
    };
  }
  const own = prepareSandboxFs(spec.dir, privileged);
  // Walked at every start: a secret that appeared in /etc since the last one is hidden too.
  const hidden = etcHidden('/etc');
  const hiddenState = visibleState(spec.stateRoot);

  const generatedMounts: string[] = [];
  for (const [name, file] of generated) {
    const target = generatedTarget(name);
    if (!target) continue;
    if (target.startsWith('/run/')) generatedMounts.push(...runParents(target));
    generatedMounts.push('--ro-bind', file, target);
  }
  return {
    mounts: [],
    args: [
      ...namespaces,
      ...programMounts(),
      '--ro-bind',
      '/etc',
      '/etc',
      ...hidden.files.flatMap((path) => ['--ro-bind', masks.file, `/etc/${path}`]),
      ...hidden.dirs.flatMap((path) => ['--ro-bind', masks.dir, `/etc/${path}`]),
      '--dev',
      '/dev',
      ...kernelMounts(masks, bootId),
      ...envdMounts,
      ...generatedMounts,
      '--bind',
      own.home,
      '/home',
      '--bind',
      own.root,
      '/root',
      '--bind',
      own.tmp,
      '/tmp',
      '--bind',
      own.var,
      '/var',
      ...['/mnt', '/media', '/srv', '/opt'].flatMap((d) => ['--dir', d]),
      ...volumeMounts,
      // The state root holds the API key and every other sandbox's files.
      ...(hiddenState ? ['--tmpfs', hiddenState] : []),
      '--remount-ro',
      '/',
      ...caps,
      '--chdir',
      '/',
    ],
  };
}

/**
 * The bubblewrap runtime. `unshare` (util-linux) mounts the writable root's overlays; without it,
 * or where overlayfs cannot be mounted, sandboxes get the read-only root of before and the
 * description says so.
 */
export function createBubblewrapRuntime(
  binary = 'bwrap',
  opts: {
    unshare?: string | undefined;
    writableRoot?: boolean;
    overlay?: OverlayChoice;
    fuseOverlayfs?: string | undefined;
    /** Programs of the sandbox network (network.ts); `host` shares the host's network namespace instead. */
    network?: NetworkTools | 'host';
  } = {},
): Runtime {
  const privileged = process.getuid?.() === 0;
  const hostNetwork = opts.network === 'host';
  const tools: NetworkTools = opts.network === 'host' ? {} : (opts.network ?? {});
  const net =
    !privileged && !hostNetwork && !opts.unshare
      ? { internet: false, description: 'own network namespace per sandbox; NO internet: `unshare` (util-linux) is missing' }
      : describeNetwork(tools);
  // unprivileged, `unshare` makes each sandbox's network namespace (see bubblewrapArgs)
  const wrapNet = !privileged && !hostNetwork && opts.unshare !== undefined;
  const netNote = hostNetwork ? "the host's network namespace (E2B_TS_NETWORK=host: sandboxes reach the host's loopback, no egress rules)" : net.description;
  const probed =
    opts.writableRoot === false
      ? { reason: 'turned off (E2B_TS_WRITABLE_ROOT=0)' }
      : probeOverlay(opts.unshare, privileged, { choice: opts.overlay ?? 'auto', fuse: opts.fuseOverlayfs });
  const overlay = 'reason' in probed ? undefined : probed;
  const rootNote = overlay ? `writable root (${overlay.description})` : `read-only root: ${'reason' in probed ? probed.reason : ''}`;
  return {
    name: 'bubblewrap',
    isolated: true,
    relocatable: true,
    mountsVolumes: true,
    overlayDirs: overlay ? ['etc', ...PROGRAM_DIRS.filter((d) => isRealDir(`/${d}`))] : [],
    enforcesEgress: !hostNetwork && net.internet,
    description: privileged
      ? `bubblewrap: the host's programs, none of its secrets or data; ${rootNote}; PID/IPC/UTS namespaces; ${netNote}`
      : `bubblewrap (unprivileged): isolated, but user and root share one uid inside the sandbox; ${rootNote}; ${netNote}`,
    async start(spec: SandboxSpec): Promise<SandboxProcess> {
      const users: Record<string, EnvdUser> = privileged
        ? {
            root: { uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
            user: { uid: USER_UID, gid: USER_UID, home: '/home/user', shell: '/bin/bash' },
          }
        : {
            root: { uid: USER_UID, gid: USER_UID, home: '/root', shell: '/bin/bash' },
            user: { uid: USER_UID, gid: USER_UID, home: '/home/user', shell: '/bin/bash' },
          };
      // overlayfs options cannot carry some characters, and an upper layer may not lie inside a
      // lower one (a state folder under /usr): such sandboxes keep the read-only root
      const writable = overlay && mountablePath(spec.dir) && mountablePath(spec.stateRoot) && !visibleState(spec.stateRoot) ? overlay : undefined;
      const path = sudoInUsrBin(writable !== undefined, privileged) ? SANDBOX_PATH : `${SANDBOX_PATH}:${SUDO_FALLBACK_DIR}`;
      const config: Omit<EnvdConfig, 'listen' | 'platformSecret'> = { ...spec.envd, runDir: '/run/e2b', users, pathMap: [], path, sudoSocket: SUDO_SOCKET };
      for (let attempt = 1; ; attempt++) {
        const { args, mounts } = bubblewrapArgs(spec, {
          privileged,
          ptyMounts: [...ptyMounts(), ...nativePackageMounts('@napi-rs/xattr')],
          envdBundle: envdBundlePath(),
          hostNetwork,
          ...(writable ? { overlay: writable } : {}),
        });
        const bwrap = [binary, '--args', String(ARGS_FD), '/run/e2b-bin/node', '/run/e2b-bin/envd.mjs'];
        const command = writable
          ? mountCommand(writable, mounts, othersMounts(spec.dir), { net: wrapNet })
          : wrapNet
            ? { command: opts.unshare!, args: ['--user', '--map-root-user', '--net', bwrap[0]!] }
            : { command: bwrap[0]!, args: [] };
        const freezer = createFreezer(spec.stateRoot, spec.hostKey);
        const network = hostNetwork ? undefined : sandboxNetwork(tools, net.internet, privileged, freezer.procsFiles, spec);
        const proc = launch({
          command: command.command,
          args: [...command.args, ...(writable ? bwrap : bwrap.slice(1))],
          argsOnFd: args,
          env: { PATH: SANDBOX_PATH, LANG: 'C.UTF-8' },
          config,
          listener: await spec.sockets.listen(),
          freezer,
          onLog: spec.onLog,
          ...(network ? { beforeStart: network.start, onKill: network.stop } : {}),
        });
        try {
          await proc.ready;
          return network ? { ...proc, setEgress: network.update } : proc;
        } catch (error) {
          await proc.kill();
          // A file hidden in /etc went away between the walk and bubblewrap's mounts (the lock
          // files of useradd and passwd come and go): walk again and retry, once.
          if (attempt === 1 && /bwrap: .*\/etc\//.test(error instanceof Error ? error.message : '')) continue;
          throw error;
        }
      }
    },
  };
}

/**
 * The network of one bubblewrap sandbox (network.ts): rules written into its namespace before
 * envd starts, slirp4netns attached while it may reach the internet, both replaced live.
 */
function sandboxNetwork(tools: NetworkTools, internetWorks: boolean, privileged: boolean, procsFiles: string[], spec: SandboxSpec) {
  let pid: number | undefined;
  let slirp: ChildProcess | undefined;
  let relay: { child: ChildProcess; close: () => void } | undefined;
  let current: EgressPolicy | undefined;
  const ready = tools as FoundNetworkTools;
  // One write at a time, each of the policy as it is when the write starts: an update and a
  // refresh for new host addresses can never land in the wrong order.
  let writes: Promise<void> = Promise.resolve();
  const writeRules = (): Promise<void> => {
    writes = writes.catch(() => {}).then(() => applyEgress(ready, pid!, privileged, current!));
    return writes;
  };
  const wrap = (command: string, args: string[]) => joinCgroupCommand(procsFiles, command, args);
  const apply = async (policy: EgressPolicy) => {
    current = policy;
    if (pid === undefined) return;
    // without the tools no rule can be written, and nothing leaves the namespace either
    if (!internetWorks) return;
    // the relay listens before any rule sends connections to it
    if ((policy.allowNames?.length ?? 0) > 0 && !relay) {
      relay = await startRelay(ready, pid, privileged, spec, () => current?.allowNames ?? [], wrap);
      relay.child.once('exit', () => (relay = undefined));
    }
    await writeRules();
    if (needsUplink(policy) && !slirp) {
      slirp = await attachSlirp(ready.slirp4netns, pid, privileged, wrap);
      slirp.once('exit', () => (slirp = undefined));
    }
  };
  // the host's addresses are part of the rules: when they change, the rules are written again
  const refresh = () => {
    if (pid === undefined || current === undefined || !internetWorks) return;
    writeRules().catch((error: unknown) => {
      spec.onLog(`e2b-ts: could not rewrite the network rules for the host's new addresses: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  return {
    start: async (sandboxPid: number, launchedPid: number) => {
      // privileged, bubblewrap made the namespace; unprivileged, the `unshare` it runs under did
      pid = privileged ? sandboxPid : launchedPid;
      await apply(spec.egress ?? { internet: spec.allowInternetAccess, allowOut: [], denyOut: [] });
      watchHostAddresses(refresh);
    },
    update: apply,
    stop: () => {
      unwatchHostAddresses(refresh);
      slirp?.kill('SIGKILL');
      slirp = undefined;
      relay?.child.kill('SIGKILL');
      relay?.close();
      relay = undefined;
    },
  };
}

/**
 * Starts the egress relay in the sandbox's network namespace (egress-relay.ts) and the daemon's
 * side of it, which decides each connection by name (egress-proxy.ts).
 */
async function startRelay(
  tools: FoundNetworkTools,
  pid: number,
  privileged: boolean,
  spec: SandboxSpec,
  names: () => readonly string[],
  wrap: (command: string, args: string[]) => { command: string; args: string[] },
): Promise<{ child: ChildProcess; close: () => void }> {
  const hostsFile = process.env.E2B_TS_EGRESS_HOSTS;
  const served = await spec.sockets.serve((socket) =>
    handleEgress(socket, {
      names,
      refused: (address) => hostOnly(address),
      ...(hostsFile ? { hosts: readHostsFile(hostsFile) } : {}),
      log: spec.onLog,
    }),
  );
  const script = join(packageRoot(), 'dist', 'local', 'runtime', 'egress-relay.js');
  const run = wrap(tools.nsenter, [...nsenterArgs(pid, privileged), process.execPath, script]);
  const child = spawn(run.command, run.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => {});
  // the path goes on stdin, never on a command line; stdin stays open: the relay ends with the daemon
  child.stdin!.write(`${JSON.stringify({ socket: served.path })}\n`);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the egress relay did not start within 10 s')), 10_000);
      createInterface({ input: child.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        if (line === 'READY') resolve();
        else reject(new Error(`the egress relay said ${JSON.stringify(line)}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the egress relay failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    served.close();
    throw error;
  }
  return { child, close: served.close };
}
