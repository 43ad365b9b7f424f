/**
 * A fake cgroup file system in a temporary folder, laid out like /sys/fs/cgroup, with the
 * kernel's rules that matter to src/local/runtime/cgroup.ts emulated in its CgroupIo:
 *
 * - mkdir makes a group with its interface files (v2: those of the controllers its parent enables
 *   in `cgroup.subtree_control`; v1: those of the hierarchy it is in); files cannot be created;
 * - v2: a controller can be enabled in `cgroup.subtree_control` only when the group has it in
 *   `cgroup.controllers`, and (except at the root) only while the group holds no processes
 *   (EBUSY); a process cannot join a group that hands controllers down;
 * - writing a pid to `cgroup.procs` moves it out of every other group of the hierarchy;
 * - rmdir fails while a group holds processes that are alive or child groups (EBUSY);
 * - v1: `memory.memsw.limit_in_bytes` may never be below `memory.limit_in_bytes` (EINVAL);
 * - folders listed in `readOnly` (and everything under them) refuse changes (EACCES), as
 *   groups not delegated to a user do.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { CgroupIo } from '../../src/local/runtime/cgroup.js';

const UNLIMITED_V1 = '9223372036854771712';

function errno(code: string, path: string): NodeJS.ErrnoException {
  const error = new Error(`${code}: ${path}`) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie is gone for cgroups
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

export interface FakeCgroupfs {
  root: string;
  io: CgroupIo;
  /** Makes a group (and its parents) as the system would have it, e.g. the daemon's own. */
  group(rel: string, opts?: { procs?: number[] }): string;
  read(rel: string): string;
  write(rel: string, value: string): void;
  exists(rel: string): boolean;
}

/** Interface files a v2 group gets for each controller its parent enables. */
const CONTROLLER_FILES: Record<string, Record<string, string>> = {
  memory: { 'memory.max': 'max', 'memory.swap.max': 'max', 'memory.current': '0', 'memory.stat': 'anon 0\nfile 0\ninactive_file 0\n' },
  pids: { 'pids.max': 'max', 'pids.current': '0' },
  cpu: { 'cpu.max': 'max 100000' },
};

/** v2: `controllers` are what the root offers (and enables for its children). */
export function fakeV2(root: string, opts: { controllers?: string[]; readOnly?: string[] } = {}): FakeCgroupfs {
  const controllers = opts.controllers ?? ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids'];
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'cgroup.controllers'), controllers.join(' '));
  writeFileSync(join(root, 'cgroup.subtree_control'), controllers.join(' '));
  writeFileSync(join(root, 'cgroup.procs'), '1\n');
  writeFileSync(join(root, 'cpu.stat'), 'usage_usec 0\n');
  const readOnly = (opts.readOnly ?? []).map((p) => join(root, p));
  const guard = (path: string) => {
    if (readOnly.some((r) => path === r || path.startsWith(`${r}/`))) throw errno('EACCES', path);
  };
  const words = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split(/\s+/).filter(Boolean) : []);
  const procsOf = (group: string) => words(join(group, 'cgroup.procs')).map(Number).filter(alive);

  const populate = (dir: string) => {
    const enabled = words(join(dirname(dir), 'cgroup.subtree_control'));
    const files: Record<string, string> = {
      'cgroup.controllers': enabled.join(' '),
      'cgroup.subtree_control': '',
      'cgroup.procs': '',
      'cgroup.freeze': '0',
      'cgroup.events': 'populated 0\nfrozen 0\n',
      'cgroup.kill': '',
      'cpu.stat': 'usage_usec 0\nuser_usec 0\nsystem_usec 0\n',
    };
    for (const c of enabled) Object.assign(files, CONTROLLER_FILES[c] ?? {});
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  };

  const allGroups = (dir = root): string[] => [
    dir,
    ...readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => allGroups(join(dir, e.name))),
  ];

  const io: CgroupIo = {
    read: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
    write(path, value) {
      guard(path);
      const group = dirname(path);
      const name = basename(path);
      if (!existsSync(path)) throw errno('ENOENT', path);
      if (name === 'cgroup.subtree_control') {
        const current = new Set(words(path));
        const available = words(join(group, 'cgroup.controllers'));
        for (const token of value.split(/\s+/).filter(Boolean)) {
          const c = token.slice(1);
          if (!available.includes(c)) throw errno('ENOENT', path);
          if (token.startsWith('+')) {
            if (group !== root && procsOf(group).length > 0) throw errno('EBUSY', path);
            current.add(c);
          } else current.delete(c);
        }
        writeFileSync(path, [...current].join(' '));
        // children see the change at once, as in the kernel
        for (const e of readdirSync(group, { withFileTypes: true }).filter((d) => d.isDirectory())) {
          const child = join(group, e.name);
          const before = new Set(words(join(child, 'cgroup.controllers')));
          writeFileSync(join(child, 'cgroup.controllers'), [...current].join(' '));
          for (const [c, files] of Object.entries(CONTROLLER_FILES)) {
            if (!current.has(c) || before.has(c)) continue;
            for (const [n, text] of Object.entries(files)) writeFileSync(join(child, n), text);
          }
        }
        return;
      }
      if (name === 'cgroup.procs') {
        if (group !== root && words(join(group, 'cgroup.subtree_control')).length > 0) throw errno('EBUSY', path);
        const pid = value.trim();
        for (const g of allGroups()) {
          const file = join(g, 'cgroup.procs');
          const left = words(file).filter((p) => p !== pid);
          writeFileSync(file, left.map((p) => `${p}\n`).join(''));
        }
        writeFileSync(path, `${words(path).concat(pid).join('\n')}\n`);
        return;
      }
      if (name === 'cgroup.freeze') writeFileSync(join(group, 'cgroup.events'), `populated 1\nfrozen ${value.trim()}\n`);
      writeFileSync(path, value);
    },
    mkdir(path) {
      if (existsSync(path)) return;
      guard(path);
      if (!existsSync(dirname(path))) throw errno('ENOENT', path);
      mkdirSync(path);
      populate(path);
    },
    rmdir(path) {
      guard(path);
      if (!existsSync(path)) throw errno('ENOENT', path);
      if (readdirSync(path, { withFileTypes: true }).some((e) => e.isDirectory()) || procsOf(path).length > 0) throw errno('EBUSY', path);
      rmSync(path, { recursive: true });
    },
    subdirs: (path) =>
      existsSync(path)
        ? readdirSync(path, { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => e.name)
        : [],
    exists: existsSync,
  };

  return {
    root,
    io,
    group(rel, o = {}) {
      // as systemd does: each ancestor hands down what it has, so the leaf gets every controller
      let dir = root;
      for (const part of rel.split('/').filter(Boolean)) {
        if (dir !== root) writeFileSync(join(dir, 'cgroup.subtree_control'), readFileSync(join(dir, 'cgroup.controllers'), 'utf8'));
        dir = join(dir, part);
        if (!existsSync(dir)) {
          mkdirSync(dir);
          populate(dir);
        }
      }
      if (o.procs) writeFileSync(join(dir, 'cgroup.procs'), o.procs.map((p) => `${p}\n`).join(''));
      return dir;
    },
    read: (rel) => readFileSync(join(root, rel), 'utf8'),
    write: (rel, value) => writeFileSync(join(root, rel), value),
    exists: (rel) => existsSync(join(root, rel)),
  };
}

/**
 * v1: one hierarchy per entry of `hierarchies` (a folder under the root, `cpu,cpuacct` for
 * co-mounted ones, with plain-name symlinks as systemd makes them).
 */
export function fakeV1(root: string, opts: { hierarchies?: string[]; memsw?: boolean; cfsQuota?: boolean; readOnly?: string[] } = {}): FakeCgroupfs {
  const hierarchies = opts.hierarchies ?? ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'];
  const memsw = opts.memsw ?? true;
  const cfsQuota = opts.cfsQuota ?? true;
  mkdirSync(root, { recursive: true });
  const readOnly = (opts.readOnly ?? []).map((p) => join(root, p));
  const guard = (path: string) => {
    if (readOnly.some((r) => path === r || path.startsWith(`${r}/`))) throw errno('EACCES', path);
  };
  const hierarchyOf = (path: string) => relative(root, path).split('/')[0]!;
  const populate = (dir: string, top: boolean) => {
    const controllers = hierarchyOf(dir).split(',');
    const files: Record<string, string> = { 'cgroup.procs': top ? '1\n' : '', tasks: '', notify_on_release: '0' };
    for (const c of controllers) {
      if (c === 'memory') {
        Object.assign(files, {
          'memory.limit_in_bytes': UNLIMITED_V1,
          'memory.usage_in_bytes': '0',
          'memory.stat': 'cache 0\ntotal_cache 0\ntotal_inactive_file 0\n',
          'memory.swappiness': '60',
        });
        if (memsw) files['memory.memsw.limit_in_bytes'] = UNLIMITED_V1;
      }
      if (c === 'pids' && !top) Object.assign(files, { 'pids.max': 'max', 'pids.current': '0' });
      if (c === 'cpu') {
        files['cpu.shares'] = '1024';
        if (cfsQuota) Object.assign(files, { 'cpu.cfs_quota_us': '-1', 'cpu.cfs_period_us': '100000' });
      }
      if (c === 'cpuacct') files['cpuacct.usage'] = '0';
      if (c === 'freezer' && !top) files['freezer.state'] = 'THAWED';
    }
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  };
  for (const h of hierarchies) {
    mkdirSync(join(root, h));
    populate(join(root, h), true);
  }
  const words = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split(/\s+/).filter(Boolean) : []);

  const io: CgroupIo = {
    read: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
    write(path, value) {
      guard(path);
      if (!existsSync(path)) throw errno('ENOENT', path);
      const group = dirname(path);
      const name = basename(path);
      if (name === 'memory.limit_in_bytes' && existsSync(join(group, 'memory.memsw.limit_in_bytes'))) {
        if (Number(value) > Number(readFileSync(join(group, 'memory.memsw.limit_in_bytes'), 'utf8'))) throw errno('EINVAL', path);
      }
      if (name === 'memory.memsw.limit_in_bytes' && Number(value) < Number(readFileSync(join(group, 'memory.limit_in_bytes'), 'utf8')))
        throw errno('EINVAL', path);
      if (name === 'cgroup.procs') {
        const pid = value.trim();
        const top = join(root, hierarchyOf(path));
        const walk = (dir: string): string[] => [
          dir,
          ...readdirSync(dir, { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .flatMap((e) => walk(join(dir, e.name))),
        ];
        for (const g of walk(top))
          writeFileSync(
            join(g, 'cgroup.procs'),
            words(join(g, 'cgroup.procs'))
              .filter((p) => p !== pid)
              .map((p) => `${p}\n`)
              .join(''),
          );
        writeFileSync(path, `${words(path).concat(pid).join('\n')}\n`);
        return;
      }
      writeFileSync(path, value);
    },
    mkdir(path) {
      if (existsSync(path)) return;
      guard(path);
      if (!existsSync(dirname(path))) throw errno('ENOENT', path);
      mkdirSync(path);
      populate(path, false);
    },
    rmdir(path) {
      guard(path);
      if (!existsSync(path)) throw errno('ENOENT', path);
      const busy = words(join(path, 'cgroup.procs')).map(Number).filter(alive).length > 0;
      if (readdirSync(path, { withFileTypes: true }).some((e) => e.isDirectory()) || busy) throw errno('EBUSY', path);
      rmSync(path, { recursive: true });
    },
    subdirs: (path) =>
      existsSync(path)
        ? readdirSync(path, { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => e.name)
        : [],
    exists: existsSync,
  };
  return {
    root,
    io,
    group(rel, o = {}) {
      let dir = root;
      const parts = rel.split('/').filter(Boolean);
      for (const [i, part] of parts.entries()) {
        dir = join(dir, part);
        if (!existsSync(dir)) {
          mkdirSync(dir);
          populate(dir, i === 0);
        }
      }
      if (o.procs) writeFileSync(join(dir, 'cgroup.procs'), o.procs.map((p) => `${p}\n`).join(''));
      return dir;
    },
    read: (rel) => readFileSync(join(root, rel), 'utf8'),
    write: (rel, value) => writeFileSync(join(root, rel), value),
    exists: (rel) => existsSync(join(root, rel)),
  };
}

/** `/proc/self/cgroup` of a v1 process at `path` in every hierarchy. */
export function v1SelfCgroup(hierarchies: string[], path = '/'): string {
  return [...hierarchies.map((h, i) => `${i + 2}:${h}:${path}`), `1:name=systemd:${path}`, '0::/'].join('\n');
}
