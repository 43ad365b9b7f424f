/**
 * Freezing a sandbox's process tree for pause.
 *
 * A cgroup freezer stops processes without them noticing (no SIGSTOP for a shell's job control to
 * report, no SIGCONT for programs to see); cgroup v2 (`cgroup.freeze`) and v1 (`freezer.state`)
 * are both used when writable. Elsewhere it falls back to SIGSTOP/SIGCONT over the tree.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { descendants } from './proctree.js';

/** Freezes and thaws one sandbox's processes. */
export interface Freezer {
  readonly kind: 'cgroup-v2' | 'cgroup-v1' | 'signals';
  freeze(rootPid: number): Promise<void>;
  thaw(rootPid: number): Promise<void>;
  /** Thaws and kills whatever is left in the group, then removes it. */
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function writable(dir: string): boolean {
  try {
    const probe = join(dir, `e2b-ts-probe-${process.pid}`);
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

type CgroupFlavor = { kind: 'cgroup-v2' | 'cgroup-v1'; base: string } | undefined;
let detected: CgroupFlavor | null = null;

/** Finds a writable freezer hierarchy once per process. */
function detectCgroup(): CgroupFlavor {
  if (detected !== null) return detected;
  detected = undefined;
  if (process.platform !== 'linux') return detected;
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    // cgroup v2: our own cgroup must be delegated to us for this to work.
    const self = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
    const base = self ? join('/sys/fs/cgroup', self.slice(3)) : '/sys/fs/cgroup';
    if (writable(base)) detected = { kind: 'cgroup-v2', base };
  } else if (existsSync('/sys/fs/cgroup/freezer') && writable('/sys/fs/cgroup/freezer')) {
    detected = { kind: 'cgroup-v1', base: '/sys/fs/cgroup/freezer' };
  }
  return detected;
}

/**
 * Creates the freezer of one sandbox; `scope` keeps groups of different state dirs apart. Every
 * local user can list cgroups, so the group is named by `key`, an opaque name of the sandbox,
 * never by its ID.
 */
export function createFreezer(scope: string, key: string): Freezer {
  const flavor = detectCgroup();
  if (!flavor) return signalFreezer();
  const group = join(flavor.base, `e2b-ts-${createHash('sha256').update(scope).digest('hex').slice(0, 10)}-${key}`);
  return cgroupFreezer(flavor.kind, group);
}

function cgroupFreezer(kind: 'cgroup-v2' | 'cgroup-v1', group: string): Freezer {
  const stateFile = kind === 'cgroup-v2' ? 'cgroup.freeze' : 'freezer.state';
  const frozenValue = kind === 'cgroup-v2' ? '1' : 'FROZEN';
  const thawedValue = kind === 'cgroup-v2' ? '0' : 'THAWED';
  const adopt = (rootPid: number) => {
    mkdirSync(group, { recursive: true });
    for (const p of descendants(rootPid)) {
      try {
        writeFileSync(join(group, 'cgroup.procs'), String(p.pid));
      } catch {
        // exited meanwhile
      }
    }
  };
  const isFrozen = () => {
    try {
      const text = readFileSync(join(group, kind === 'cgroup-v2' ? 'cgroup.events' : 'freezer.state'), 'utf8');
      return kind === 'cgroup-v2' ? /frozen 1/.test(text) : text.trim() === 'FROZEN';
    } catch {
      return false;
    }
  };
  return {
    kind,
    async freeze(rootPid) {
      adopt(rootPid);
      writeFileSync(join(group, stateFile), frozenValue);
      // v1 passes through FREEZING; wait until every task is really stopped.
      for (let i = 0; i < 200 && !isFrozen(); i++) await sleep(5);
      // Children forked while we were adopting join the frozen group too.
      adopt(rootPid);
    },
    async thaw() {
      try {
        writeFileSync(join(group, stateFile), thawedValue);
      } catch {
        // group already gone
      }
    },
    async release() {
      if (!existsSync(group)) return;
      try {
        writeFileSync(join(group, stateFile), thawedValue);
      } catch {
        // ignore
      }
      try {
        for (const pid of readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // gone
          }
        }
      } catch {
        // ignore
      }
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(group);
          return;
        } catch {
          // processes are still being reaped; rmdir succeeds once the group is empty
          await sleep(10);
        }
      }
    },
  };
}

function signalFreezer(): Freezer {
  const signalTree = (rootPid: number, signal: NodeJS.Signals) => {
    for (const p of descendants(rootPid)) {
      try {
        process.kill(p.pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  };
  return {
    kind: 'signals',
    async freeze(rootPid) {
      signalTree(rootPid, 'SIGSTOP');
      // a second pass catches children forked during the first
      signalTree(rootPid, 'SIGSTOP');
    },
    async thaw(rootPid) {
      signalTree(rootPid, 'SIGCONT');
    },
    async release() {},
  };
}

/** Removes groups left behind by a daemon that died, thawing and killing what is in them. */
export async function releaseStaleGroups(scope: string): Promise<void> {
  const flavor = detectCgroup();
  if (!flavor) return;
  const prefix = `e2b-ts-${createHash('sha256').update(scope).digest('hex').slice(0, 10)}-`;
  let names: string[] = [];
  try {
    names = readdirSync(flavor.base).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) await cgroupFreezer(flavor.kind, join(flavor.base, name)).release();
}
