/**
 * One cgroup per sandbox: its CPU, memory and process limits, its resource accounting (for
 * `sandbox metrics`) and its freezer (for pause), on cgroup v2 or v1.
 *
 * **The group holds the whole sandbox**, envd included: bubblewrap joins it before it runs
 * anything (launch.ts writes its pid into `cgroup.procs` from a shell that then execs it), so
 * every process of the sandbox is limited and counted from its first page, as in a VM where
 * envd's memory is the machine's too. The OOM killer must still take the process that ran out
 * of memory rather than envd: envd starts every command with a higher `oom_score_adj` than its
 * own (envd/process/oom.ts), which needs no privilege, so the sandbox lives on (envd keeps
 * answering, the next command runs) after one of its processes was killed.
 *
 * **Where the groups live.** Every local user can list cgroups, so groups are named by an opaque
 * key, never the sandbox ID; groups of one state folder sit under one parent named by a hash of
 * that folder (`e2b-ts-<hash>/<key>`), found again after a restart to clean up what a dead daemon
 * left.
 * - cgroup v2 as root: a top-level group (`/sys/fs/cgroup/e2b-ts-<hash>`), the way Docker's
 *   cgroupfs driver does; the root cgroup can hand every controller down.
 * - cgroup v2 as a normal user: the daemon's own cgroup, when it is delegated (writable). v2 lets
 *   a cgroup pass controllers to children only when it holds no processes itself, so a daemon
 *   alone in its cgroup (as `systemd-run --user --scope -p Delegate=yes` starts it) moves itself
 *   into a leaf (`e2b-ts-daemon`) first. A daemon that shares its cgroup with other processes
 *   (a terminal's scope) gets freezing but no limits, and says why.
 * - cgroup v1 as root: `<hierarchy>/e2b-ts-<hash>/<key>` in each of the memory, pids, cpu,
 *   cpuacct and freezer hierarchies. v1 has no safe delegation, so a normal user gets none.
 *
 * All file access goes through {@link CgroupIo}, so unit tests run the same code over a fake
 * tree in a temporary folder (test/helpers/fake-cgroupfs.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { continueTree, processTree, stopTree, treeOf } from './process-tree.js';

/** Kinds of limit a sandbox has. */
export type LimitKind = 'cpu' | 'memory' | 'pids' | 'disk';

/** Whether one kind of limit is enforced on this machine, and how (or why not). */
export interface LimitStatus {
  kind: LimitKind;
  enforced: boolean;
  /** How it is enforced, or why it is not. */
  detail: string;
}

/** The limits a sandbox gets from its template. */
export interface SandboxLimits {
  cpuCount: number;
  memoryMB: number;
}

/**
 * Processes (threads, as the kernel counts them) a sandbox may have at once. E2B has no setting
 * for it; this stops a fork bomb long before the host's pid space (32768 by default) runs out,
 * and leaves room for builds and servers with many threads.
 */
export const PIDS_LIMIT = 1024;
/** CFS period for cpu quotas (the kernel's default). */
const CPU_PERIOD_US = 100_000;

/** Resource usage of a sandbox's group. */
export interface CgroupUsage {
  /** Memory in use, without page cache the kernel can drop at once (inactive files). */
  memoryBytes?: number;
  /** The memory limit in force; undefined when unlimited. */
  memoryLimit?: number;
  /** Page cache of the group. */
  cacheBytes?: number;
  /** CPU time used since the group was made, in microseconds. */
  cpuUsec?: number;
  pids?: number;
}

/** Freezes and thaws one sandbox's processes. */
export interface Freezer {
  readonly kind: 'cgroup-v2' | 'cgroup-v1' | 'signals';
  freeze(rootPid: number): Promise<void>;
  thaw(rootPid: number): Promise<void>;
  /** Thaws and kills whatever is left in the group, then removes it. */
  release(): Promise<void>;
}

/** A sandbox's cgroup: its freezer, its limits and its accounting. */
export interface SandboxCgroup extends Freezer {
  /**
   * The `cgroup.procs` files a process writes its own pid into to join the group in every
   * hierarchy (empty without cgroups).
   */
  readonly procsFiles: string[];
  /** Writes the limits into the group; returns what could not be set (nothing where not enforced). */
  apply(limits: SandboxLimits): string[];
  /** Usage from the group's accounting; undefined without one. */
  usage(): CgroupUsage | undefined;
}

/** File operations on a cgroup file system (real, or faked by tests). */
export interface CgroupIo {
  read(path: string): string | undefined;
  /** Throws as the kernel refuses (EBUSY, EINVAL, EACCES, ...). */
  write(path: string, value: string): void;
  /** Makes a group; fine when it exists. */
  mkdir(path: string): void;
  /** Removes a group; throws while it holds processes or groups. */
  rmdir(path: string): void;
  /** Names of the child groups. */
  subdirs(path: string): string[];
  exists(path: string): boolean;
}

export const realCgroupIo: CgroupIo = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  write(path, value) {
    writeFileSync(path, value);
  },
  mkdir(path) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  },
  rmdir(path) {
    rmdirSync(path);
  },
  subdirs(path) {
    try {
      return readdirSync(path, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return [];
    }
  },
  exists: existsSync,
};

/** What the detection looks at; tests give a fake tree. */
export interface CgroupEnv {
  /** Where cgroups are mounted (`/sys/fs/cgroup`). */
  root: string;
  /** This process's `/proc/self/cgroup`. */
  selfCgroup: string;
  uid: number;
  pid: number;
  /** Whether the host has swap turned on (then a v1 memory limit without memsw leaks into swap). */
  swap: boolean;
  io: CgroupIo;
}

function realEnv(): CgroupEnv {
  let selfCgroup = '';
  let swaps = '';
  try {
    selfCgroup = readFileSync('/proc/self/cgroup', 'utf8');
    swaps = readFileSync('/proc/swaps', 'utf8');
  } catch {
    // not Linux
  }
  return {
    root: '/sys/fs/cgroup',
    selfCgroup,
    uid: process.getuid?.() ?? -1,
    pid: process.pid,
    swap: swaps.trim().split('\n').length > 1,
    io: realCgroupIo,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const errorCode = (error: unknown) => (error as NodeJS.ErrnoException)?.code;

/** The name of the parent group of one state folder's sandboxes. */
export function scopeName(scope: string): string {
  return `e2b-ts-${createHash('sha256').update(scope).digest('hex').slice(0, 10)}`;
}

/** Controllers that limit; `cpuacct` (v1) only counts. */
const LIMITING = ['cpu', 'memory', 'pids'] as const;
type Limiting = (typeof LIMITING)[number];
type Controller = Limiting | 'cpuacct' | 'freezer';
const V1_CONTROLLERS: Controller[] = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'];
/** The name of the leaf a delegated v2 daemon moves itself into. */
export const DAEMON_LEAF = 'e2b-ts-daemon';

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : undefined;
}

function statField(text: string | undefined, name: string): number | undefined {
  const m = text?.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : undefined;
}

/**
 * The cgroups of one state folder: what this machine can enforce, and each sandbox's group.
 * {@link Cgroups.detect} looks once; it may create the state folder's parent group and, for a
 * delegated v2 daemon alone in its cgroup, move the daemon into a leaf.
 */
export class Cgroups {
  private constructor(
    /** The state folder's parent group name (`e2b-ts-<hash>`). */
    private readonly name: string,
    readonly version: 'v1' | 'v2' | undefined,
    /** cpu, memory and pids, in that order. */
    readonly limits: LimitStatus[],
    /** The folder each controller's sandbox groups are made in (v2: the same for all). */
    private readonly parents: Partial<Record<Controller, string>>,
    /** Controllers whose limits are written. */
    private readonly enforced: ReadonlySet<Limiting>,
    private readonly env: CgroupEnv,
    private readonly legacy: string[],
  ) {}

  /** Whether groups can be made at all (then pause uses the cgroup freezer). */
  get usable(): boolean {
    return Object.keys(this.parents).length > 0;
  }

  /** Looks at the machine (or the fake tree in `env`) and prepares the parent groups of `scope`. */
  static detect(scope: string, overrides: Partial<CgroupEnv> = {}): Cgroups {
    const env = { ...realEnv(), ...overrides };
    const name = scopeName(scope);
    const none = (why: string) =>
      new Cgroups(
        name,
        undefined,
        LIMITING.map((c) => ({ kind: kindOf(c), enforced: false, detail: why })),
        {},
        new Set(),
        env,
        [],
      );
    if (!overrides.root && process.platform !== 'linux') return none(`no cgroups on ${process.platform}`);
    if (env.io.exists(join(env.root, 'cgroup.controllers'))) return Cgroups.detectV2(name, env);
    if (V1_CONTROLLERS.some((c) => env.io.exists(join(env.root, c)))) return Cgroups.detectV1(name, env);
    return none(`no cgroup file system at ${env.root}`);
  }

  private static detectV2(name: string, env: CgroupEnv): Cgroups {
    const { io } = env;
    const selfPath =
      env.selfCgroup
        .split('\n')
        .find((l) => l.startsWith('0::'))
        ?.slice(3)
        .trim() ?? '/';
    const own = join(env.root, selfPath);
    const notEnforced = (why: string) => LIMITING.map((c) => ({ kind: kindOf(c), enforced: false, detail: why }));
    const legacy = [own];
    let base: string;
    if (env.uid === 0) {
      base = env.root;
    } else if (probeWritable(io, own, env.pid)) {
      base = own;
      const procs = (io.read(join(own, 'cgroup.procs')) ?? '').split('\n').filter(Boolean);
      if (procs.length === 1 && procs[0] === String(env.pid)) {
        // Alone in a delegated cgroup: step into a leaf so the cgroup can hand controllers down.
        try {
          io.mkdir(join(own, DAEMON_LEAF));
          io.write(join(own, DAEMON_LEAF, 'cgroup.procs'), String(env.pid));
        } catch {
          // then enabling controllers below fails and says why
        }
      }
    } else {
      return new Cgroups(name, 'v2', notEnforced(`the daemon's cgroup (${own}) is not delegated to this user`), {}, new Set(), env, []);
    }
    const available = new Set((io.read(join(base, 'cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean));
    const problems = new Map<Limiting, string>();
    for (const c of LIMITING) {
      if (!available.has(c)) {
        problems.set(c, `the ${c} controller is not available to ${base} (not delegated to this user)`);
        continue;
      }
      try {
        io.write(join(base, 'cgroup.subtree_control'), `+${c}`);
      } catch (error) {
        problems.set(
          c,
          errorCode(error) === 'EBUSY'
            ? `${base} also holds other processes, so it cannot hand the ${c} controller to sandboxes; run the daemon in a cgroup of its own (e.g. \`systemd-run --user --scope -p Delegate=yes e2b-ts local start --foreground\`)`
            : `could not enable the ${c} controller in ${base}: ${errorText(error)}`,
        );
      }
    }
    const parent = join(base, name);
    try {
      io.mkdir(parent);
    } catch (error) {
      return new Cgroups(name, 'v2', notEnforced(`cannot make cgroups in ${base}: ${errorText(error)}`), {}, new Set(), env, []);
    }
    const enforced = new Set<Limiting>();
    const limits: LimitStatus[] = [];
    for (const c of LIMITING) {
      if (!problems.has(c)) {
        try {
          io.write(join(parent, 'cgroup.subtree_control'), `+${c}`);
          enforced.add(c);
        } catch (error) {
          problems.set(c, `could not enable the ${c} controller in ${parent}: ${errorText(error)}`);
        }
      }
      limits.push(enforced.has(c) ? { kind: c, enforced: true, detail: v2Detail(c, env) } : { kind: c, enforced: false, detail: problems.get(c)! });
    }
    const parents: Partial<Record<Controller, string>> = { memory: parent, pids: parent, cpu: parent, cpuacct: parent, freezer: parent };
    return new Cgroups(name, 'v2', limits, parents, enforced, env, legacy);
  }

  private static detectV1(name: string, env: CgroupEnv): Cgroups {
    const { io } = env;
    const hierarchies = env.selfCgroup
      .split('\n')
      .map((line) => line.split(':'))
      .filter((parts) => parts.length >= 3 && parts[1] !== '')
      .map((parts) => parts[1]!.split(','));
    const mountOf = (c: Controller): string | undefined => {
      const together = hierarchies.find((h) => h.includes(c));
      for (const candidate of [together?.join(','), c]) {
        if (candidate && io.exists(join(env.root, candidate))) return join(env.root, candidate);
      }
      return undefined;
    };
    const parents: Partial<Record<Controller, string>> = {};
    const problems: Partial<Record<Controller, string>> = {};
    for (const c of V1_CONTROLLERS) {
      const mount = mountOf(c);
      if (!mount) {
        problems[c] = `no cgroup v1 ${c} hierarchy is mounted`;
        continue;
      }
      const parent = join(mount, name);
      try {
        io.mkdir(parent);
        parents[c] = parent;
      } catch (error) {
        problems[c] =
          errorCode(error) === 'EACCES' || errorCode(error) === 'EPERM' || errorCode(error) === 'EROFS'
            ? `the cgroup v1 ${c} hierarchy is not writable by this user (v1 has no delegation: run the daemon as root, or on a cgroup v2 system)`
            : `cannot make cgroups in ${mount}: ${errorText(error)}`;
      }
    }
    const enforced = new Set<Limiting>();
    const limits: LimitStatus[] = [];
    for (const c of LIMITING) {
      const kind = kindOf(c);
      const parent = parents[c];
      if (!parent) {
        limits.push({ kind, enforced: false, detail: problems[c]! });
        continue;
      }
      const mount = mountOf(c)!;
      if (c === 'cpu' && !io.exists(join(mount, 'cpu.cfs_quota_us'))) {
        limits.push({ kind, enforced: false, detail: 'the kernel has no CFS bandwidth control (cpu.cfs_quota_us)' });
        continue;
      }
      enforced.add(c);
      limits.push({ kind, enforced: true, detail: v1Detail(c, io.exists(join(mount, 'memory.memsw.limit_in_bytes')), env.swap) });
    }
    const freezerMount = mountOf('freezer');
    return new Cgroups(name, 'v1', limits, parents, enforced, env, freezerMount ? [freezerMount] : []);
  }

  /** The group of one sandbox, made now (before its processes start). */
  group(key: string): SandboxCgroup {
    const dirs = new Map<Controller, string>();
    for (const [c, parent] of Object.entries(this.parents) as Array<[Controller, string]>) dirs.set(c, join(parent, key));
    return makeGroup(this.version!, dirs, this.enforced, this.env.io);
  }

  /**
   * Thaws, kills and removes every group of this state folder (left by a daemon that died, or
   * by this one at shutdown), then the parent groups themselves.
   */
  async releaseAll(removeParents: boolean): Promise<void> {
    const { io } = this.env;
    const unique = [...new Set(Object.values(this.parents))];
    const keys = new Set(unique.flatMap((p) => io.subdirs(p)));
    for (const key of keys) await this.group(key).release();
    // Groups of earlier versions, named `e2b-ts-<hash>-<key>` beside the daemon or at the top of
    // the freezer hierarchy.
    for (const dir of this.legacy) {
      for (const n of io.subdirs(dir).filter((n) => n.startsWith(`${this.name}-`))) {
        const legacyDirs = new Map<Controller, string>([['freezer', join(dir, n)]]);
        await makeGroup(this.version!, legacyDirs, new Set(), io).release();
      }
    }
    if (!removeParents) return;
    for (const parent of unique) {
      try {
        io.rmdir(parent);
      } catch {
        // still in use (another daemon of the same state folder cannot exist; leave it)
      }
    }
  }
}

function kindOf(c: Limiting): LimitKind {
  return c;
}

function v2Detail(c: Limiting, env: CgroupEnv): string {
  if (c === 'memory') return `cgroup v2 memory.max, swap off (memory.swap.max 0)${env.uid === 0 ? '' : ', delegated'}`;
  if (c === 'pids') return `cgroup v2 pids.max ${PIDS_LIMIT}`;
  return "cgroup v2 cpu.max (the template's CPU count)";
}

function v1Detail(c: Limiting, memsw: boolean, swap: boolean): string {
  if (c === 'memory') {
    if (memsw) return 'cgroup v1 memory.limit_in_bytes and memory.memsw.limit_in_bytes (no swap beyond it)';
    return swap
      ? 'cgroup v1 memory.limit_in_bytes; swap is not limited (the kernel keeps no swap accounting), swappiness 0'
      : 'cgroup v1 memory.limit_in_bytes (the host has no swap)';
  }
  if (c === 'pids') return `cgroup v1 pids.max ${PIDS_LIMIT}`;
  return "cgroup v1 cpu.cfs_quota_us (the template's CPU count)";
}

function probeWritable(io: CgroupIo, dir: string, pid: number): boolean {
  const probe = join(dir, `e2b-ts-probe-${pid}`);
  try {
    io.mkdir(probe);
    io.rmdir(probe);
    return true;
  } catch {
    return false;
  }
}

function makeGroup(version: 'v1' | 'v2', dirs: Map<Controller, string>, enforced: ReadonlySet<Limiting>, io: CgroupIo): SandboxCgroup {
  const unique = [...new Set(dirs.values())];
  let made = true;
  for (const dir of unique) {
    try {
      io.mkdir(dir);
    } catch {
      made = false;
    }
  }
  const dir = (c: Controller) => dirs.get(c);
  const freezerDir = dir('freezer');
  const procsFiles = made ? unique.map((d) => join(d, 'cgroup.procs')) : [];
  const kind = version === 'v2' ? 'cgroup-v2' : 'cgroup-v1';
  const stateFile = version === 'v2' ? 'cgroup.freeze' : 'freezer.state';
  const frozenValue = version === 'v2' ? '1' : 'FROZEN';
  const thawedValue = version === 'v2' ? '0' : 'THAWED';

  /** Moves the tree under rootPid into the group (processes that are not in it yet). */
  const adopt = async (rootPid: number) => {
    for (const p of await treeOf(rootPid).catch(() => [])) {
      for (const file of procsFiles) {
        try {
          io.write(file, String(p.pid));
        } catch {
          // exited meanwhile
        }
      }
    }
  };
  const isFrozen = () => {
    if (!freezerDir) return false;
    const text = io.read(join(freezerDir, version === 'v2' ? 'cgroup.events' : 'freezer.state'));
    return version === 'v2' ? /frozen 1/.test(text ?? '') : text?.trim() === 'FROZEN';
  };
  const signals = signalFreezer();
  const pids = () => new Set(unique.flatMap((d) => (io.read(join(d, 'cgroup.procs')) ?? '').split('\n').filter(Boolean).map(Number)));

  return {
    kind: freezerDir ? kind : 'signals',
    procsFiles,
    async freeze(rootPid) {
      if (!freezerDir) return signals.freeze(rootPid);
      await adopt(rootPid);
      io.write(join(freezerDir, stateFile), frozenValue);
      // v1 passes through FREEZING; wait until every task is really stopped.
      for (let i = 0; i < 200 && !isFrozen(); i++) await sleep(5);
      // Children forked while we were adopting join the frozen group too.
      await adopt(rootPid);
    },
    async thaw(rootPid) {
      if (!freezerDir) return signals.thaw(rootPid);
      // (writing the v1 state takes milliseconds even when nothing is frozen)
      if (io.read(join(freezerDir, stateFile))?.trim() === thawedValue) return;
      try {
        io.write(join(freezerDir, stateFile), thawedValue);
      } catch {
        // group already gone
      }
    },
    apply(limits) {
      const problems: string[] = [];
      const put = (c: Controller, file: string, value: string) => {
        const d = dir(c);
        if (!d) return;
        try {
          io.write(join(d, file), value);
        } catch (error) {
          problems.push(`${file} = ${value}: ${errorText(error)}`);
        }
      };
      const bytes = Math.round(limits.memoryMB * 1024 * 1024);
      const quota = Math.max(1000, Math.round(limits.cpuCount * CPU_PERIOD_US));
      if (version === 'v2') {
        if (enforced.has('memory')) {
          put('memory', 'memory.max', String(bytes));
          if (io.exists(join(dir('memory')!, 'memory.swap.max'))) put('memory', 'memory.swap.max', '0');
        }
        if (enforced.has('pids')) put('pids', 'pids.max', String(PIDS_LIMIT));
        if (enforced.has('cpu')) put('cpu', 'cpu.max', `${quota} ${CPU_PERIOD_US}`);
      } else {
        if (enforced.has('memory')) {
          const m = dir('memory')!;
          const memsw = io.exists(join(m, 'memory.memsw.limit_in_bytes'));
          // memsw may never be below the plain limit: lower the limit first when shrinking, memsw
          // first when growing.
          const order = memsw ? ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes'] : ['memory.limit_in_bytes'];
          try {
            for (const f of order) io.write(join(m, f), String(bytes));
          } catch {
            for (const f of [...order].reverse()) put('memory', f, String(bytes));
          }
          if (!memsw) put('memory', 'memory.swappiness', '0');
        }
        if (enforced.has('pids')) put('pids', 'pids.max', String(PIDS_LIMIT));
        if (enforced.has('cpu')) {
          put('cpu', 'cpu.cfs_period_us', String(CPU_PERIOD_US));
          put('cpu', 'cpu.cfs_quota_us', String(quota));
        }
      }
      return problems;
    },
    usage() {
      const m = dir('memory');
      if (!m && !dir('cpuacct')) return undefined;
      const usage: CgroupUsage = {};
      if (version === 'v2') {
        const current = parseNumber(io.read(join(m!, 'memory.current')));
        const stat = io.read(join(m!, 'memory.stat'));
        if (current !== undefined) usage.memoryBytes = Math.max(0, current - (statField(stat, 'inactive_file') ?? 0));
        const max = io.read(join(m!, 'memory.max'))?.trim();
        if (max && max !== 'max') usage.memoryLimit = Number(max);
        const file = statField(stat, 'file');
        if (file !== undefined) usage.cacheBytes = file;
        const cpu = statField(io.read(join(m!, 'cpu.stat')), 'usage_usec');
        if (cpu !== undefined) usage.cpuUsec = cpu;
        const p = parseNumber(io.read(join(m!, 'pids.current')));
        if (p !== undefined) usage.pids = p;
      } else {
        if (m) {
          const current = parseNumber(io.read(join(m, 'memory.usage_in_bytes')));
          const stat = io.read(join(m, 'memory.stat'));
          if (current !== undefined) usage.memoryBytes = Math.max(0, current - (statField(stat, 'total_inactive_file') ?? 0));
          const limit = parseNumber(io.read(join(m, 'memory.limit_in_bytes')));
          // "unlimited" is a page-rounded 2^63
          if (limit !== undefined && limit < 2 ** 62) usage.memoryLimit = limit;
          const cache = statField(stat, 'total_cache');
          if (cache !== undefined) usage.cacheBytes = cache;
        }
        const acct = dir('cpuacct');
        const ns = acct ? parseNumber(io.read(join(acct, 'cpuacct.usage'))) : undefined;
        if (ns !== undefined) usage.cpuUsec = Math.floor(ns / 1000);
        const pidsDir = dir('pids');
        const p = pidsDir ? parseNumber(io.read(join(pidsDir, 'pids.current'))) : undefined;
        if (p !== undefined) usage.pids = p;
      }
      return usage;
    },
    async release() {
      if (!unique.some((d) => io.exists(d))) return;
      if (freezerDir && io.read(join(freezerDir, stateFile))?.trim() !== thawedValue) {
        try {
          io.write(join(freezerDir, stateFile), thawedValue);
        } catch {
          // gone
        }
      }
      for (let round = 0; round < 150; round++) {
        if (version === 'v2' && round === 0 && io.exists(join(unique[0]!, 'cgroup.kill'))) {
          try {
            io.write(join(unique[0]!, 'cgroup.kill'), '1');
          } catch {
            // fall back to signals
          }
        }
        for (const pid of pids()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        let left = 0;
        for (const d of unique) {
          if (!io.exists(d)) continue;
          try {
            io.rmdir(d);
          } catch {
            left++;
          }
        }
        // processes are still exiting; rmdir succeeds once the group is empty
        if (left === 0) return;
        await sleep(round < 20 ? 2 : 10);
      }
    },
  };
}

/**
 * Pause without a cgroup freezer: SIGSTOP to every process of the tree, checked (stopTree), and
 * SIGCONT to resume; through the platform's process-tree backend (process-tree.ts).
 */
function signalFreezer(): Freezer {
  return {
    kind: 'signals',
    freeze: (rootPid) => stopTree(rootPid, processTree()),
    thaw: (rootPid) => continueTree(rootPid, processTree()),
    async release() {},
  };
}

/** A sandbox "cgroup" where there are none: signals for pause, no limits, no accounting. */
export function noCgroup(): SandboxCgroup {
  return { ...signalFreezer(), procsFiles: [], apply: () => [], usage: () => undefined };
}
