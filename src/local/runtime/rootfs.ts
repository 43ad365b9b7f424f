/**
 * What of the host a bubblewrap sandbox sees: the host's programs, none of its secrets or data.
 *
 * The rule, from the security model (sandbox code is hostile, root in it included, and must not
 * learn more than the programs it runs need):
 *
 * - **Programs** are shown read-only: `/usr` and the `/bin`, `/sbin`, `/lib*` folders (as the
 *   host's own symlinks where it has merged /usr).
 * - **Configuration** (`/etc`) is shown read-only minus what the host keeps from its own users:
 *   every file that other accounts cannot read and every folder they cannot list (the host's
 *   permissions say these are secrets: shadow, gshadow, ssl/private, sudoers, keytabs, VPN and
 *   Wi-Fi credentials, …), plus what identifies the host or its people even where readable
 *   (SSH host keys, the account databases and their backups, subuid/subgid). The sandbox gets
 *   its own passwd, group, shadow, gshadow, hostname, hosts, machine-id and resolv.conf.
 * - **Data** is never shown: no `/home`, `/root`, `/var`, `/srv`, `/opt`, `/mnt`, `/media`,
 *   `/boot` or any other top-level folder of the host, so no other user's files, no
 *   `/var/lib`, no mail, logs or databases, and not the backend's own state. The sandbox has its
 *   own `/home`, `/root`, `/tmp` and `/var`.
 * - **Kernel interfaces** are fresh or read-only: its own `/proc` (with `/proc/sys` and the
 *   other host-wide knobs read-only and the files that reveal the host's memory, keys or timers
 *   hidden, as Docker does), a minimal `/dev`, `/sys` read-only without firmware tables.
 */
import { lstatSync, readdirSync, readlinkSync, existsSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';

/** Top-level folders of programs. */
export const PROGRAM_DIRS = ['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/** /etc files the sandbox gets its own version of (see generated files in bubblewrap.ts). */
export const GENERATED_ETC = ['passwd', 'group', 'shadow', 'gshadow', 'hostname', 'hosts', 'machine-id', 'resolv.conf'];

/** Readable /etc names that still describe the host's accounts or identity. */
const IDENTITY_ETC = [/^(passwd|group|shadow|gshadow|subuid|subgid)-?$/, /^ssh\/ssh_host_/];

/** Host-wide kernel knobs under /proc, made read-only (Docker's readonlyPaths). */
export const PROC_READ_ONLY = ['sys', 'sysrq-trigger', 'irq', 'bus', 'fs'];
/** /proc files that show the host's memory, keys, timers or hardware (Docker's maskedPaths). */
export const PROC_HIDDEN_FILES = ['kcore', 'keys', 'latency_stats', 'timer_list', 'timer_stats', 'sched_debug'];
export const PROC_HIDDEN_DIRS = ['acpi', 'asound', 'scsi'];
/** /sys folders with firmware tables and power controls of the host. */
export const SYS_HIDDEN_DIRS = ['firmware', 'devices/virtual/powercap'];

/** bubblewrap arguments that show the host's program folders read-only. */
export function programMounts(root = '/'): string[] {
  const args: string[] = [];
  for (const name of PROGRAM_DIRS) {
    const host = join(root, name);
    let st: Stats;
    try {
      st = lstatSync(host);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(host), `/${name}`);
    else if (st.isDirectory()) args.push('--ro-bind', host, `/${name}`);
  }
  return args;
}

/** What of /etc is hidden: paths relative to /etc, files and folders apart. */
export interface EtcHidden {
  files: string[];
  dirs: string[];
}

const othersCanRead = (mode: number) => (mode & 0o004) !== 0;
const othersCanList = (mode: number) => (mode & 0o005) === 0o005;

/**
 * Walks /etc and lists what the sandbox must not see. A folder other users cannot list is
 * hidden whole (what is inside is unreachable to them); symlinks are not followed (their
 * targets are judged where they point: outside /etc they lead to what is not mounted).
 */
export function etcHidden(etc = '/etc'): EtcHidden {
  const hidden: EtcHidden = { files: [], dirs: [] };
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(join(etc, rel));
    } catch {
      return;
    }
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      let st: Stats;
      try {
        st = lstatSync(join(etc, path));
      } catch {
        continue;
      }
      if (st.isSymbolicLink()) continue;
      if (!rel && GENERATED_ETC.includes(name)) continue;
      const identity = IDENTITY_ETC.some((re) => re.test(path));
      if (st.isDirectory()) {
        if (identity || !othersCanList(st.mode)) hidden.dirs.push(path);
        else walk(path);
      } else if (identity || !othersCanRead(st.mode)) {
        hidden.files.push(path);
      }
    }
  };
  walk('');
  return hidden;
}

/**
 * Where a generated /etc file must be mounted: /etc/NAME itself, or, when the host's
 * /etc/NAME is a symlink into /run (systemd-resolved's resolv.conf), the place it points to
 * inside the sandbox's own /run. Undefined when the host has no such file, or its link leads
 * elsewhere.
 */
export function generatedTarget(name: string, etc = '/etc'): string | undefined {
  const host = join(etc, name);
  let st: Stats;
  try {
    st = lstatSync(host);
  } catch {
    // nothing to mount over in the read-only /etc (bubblewrap cannot create it there)
    return undefined;
  }
  if (!st.isSymbolicLink()) return `/etc/${name}`;
  const target = posix.resolve('/etc', readlinkSync(host));
  return target.startsWith('/run/') ? target : undefined;
}

/** bubblewrap arguments for the sandbox's /proc and /sys, given an empty file and folder to hide with. */
export function kernelMounts(empty: { file: string; dir: string }, bootId?: string): string[] {
  const args = ['--proc', '/proc'];
  for (const name of PROC_READ_ONLY) {
    if (existsSync(`/proc/${name}`)) args.push('--ro-bind', `/proc/${name}`, `/proc/${name}`);
  }
  for (const name of PROC_HIDDEN_FILES) {
    if (existsSync(`/proc/${name}`)) args.push('--ro-bind', empty.file, `/proc/${name}`);
  }
  for (const name of PROC_HIDDEN_DIRS) {
    if (existsSync(`/proc/${name}`)) args.push('--ro-bind', empty.dir, `/proc/${name}`);
  }
  if (bootId && existsSync('/proc/sys/kernel/random/boot_id')) args.push('--ro-bind', bootId, '/proc/sys/kernel/random/boot_id');
  if (existsSync('/sys')) {
    args.push('--ro-bind', '/sys', '/sys');
    for (const name of SYS_HIDDEN_DIRS) {
      if (existsSync(`/sys/${name}`)) args.push('--ro-bind', empty.dir, `/sys/${name}`);
    }
  }
  return args;
}
