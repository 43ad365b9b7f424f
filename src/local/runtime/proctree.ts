/**
 * The /proc process-tree backend (Linux): every process's parent, state, CPU time and memory
 * from `/proc/<pid>/stat`, environments from `/proc/<pid>/environ`, and a process's identity
 * from its start time in clock ticks and the boot's id. Used to find every process of a sandbox
 * for metrics, pausing and killing, without trusting the sandbox to report on itself. Where
 * there is no /proc, process-tree.ts picks the `ps` backend (ps-tree.ts) instead.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { ProcessEntry, ProcessIdentity, ProcessTree } from './process-tree-types.js';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on every Linux architecture we run on). */
const CLOCK_TICKS = 100;
/** Bytes per page of /proc's memory sizes (4 KiB on x86-64 and on arm64 as Debian builds it). */
const PAGE_SIZE = 4096;

/** Fields of /proc/<pid>/stat we use. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** The state letter (field 3): R, S, D, T, t, Z, X, I. */
  state: string;
  /** User + system CPU time in clock ticks. */
  cpuTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
  /** Start time in clock ticks after boot (field 22). */
  startTicks: number;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text.slice(0, text.indexOf(' ')), 10);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const state = rest[0] ?? '';
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const startTicks = Number(rest[19]);
  const rss = Number(rest[21]);
  if (![pid, ppid, utime, stime, rss, startTicks].every(Number.isFinite) || state === '') return undefined;
  return { pid, ppid, state, cpuTicks: utime + stime, rssPages: rss, startTicks };
}

/** Reads every process's stat. Processes that vanish mid-read are skipped. */
export function readAllStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (stat) out.set(stat.pid, stat);
    } catch {
      // exited between readdir and read
    }
  }
  return out;
}

/**
 * Processes of this user whose environment holds `NAME=value`. A process keeps the environment
 * it started with whatever it does after (`setsid`, forking twice, reparenting to init), so a
 * marker variable follows every descendant that did not drop it.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = Buffer.from(`${name}=${value}\0`);
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`);
      if (environ.subarray(0, wanted.length).equals(wanted) || environ.includes(Buffer.concat([Buffer.from([0]), wanted]))) {
        out.push(Number(entry));
      }
    } catch {
      // gone, or another user's
    }
  }
  return out;
}

let bootId: string | undefined | null = null;

/** /proc/sys/kernel/random/boot_id, read once: a start time in ticks means nothing after a reboot. */
function currentBootId(): string | undefined {
  if (bootId === null) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      bootId = undefined;
    }
  }
  return bootId;
}

/** The identity of a live process from /proc, or undefined where /proc cannot tell (gone, or no /proc). */
export function identifyByProc(pid: number): ProcessIdentity | undefined {
  const boot = currentBootId();
  if (boot === undefined || !existsSync('/proc/self/stat')) return undefined;
  let stat: ProcStat | undefined;
  try {
    stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
  if (!stat || !Number.isSafeInteger(stat.startTicks)) return undefined;
  return { pid, startTicks: stat.startTicks, bootId: boot };
}

/** The /proc backend. Its reads are synchronous and fast (no process is started). */
export function createProcTree(): ProcessTree {
  return {
    name: 'proc',
    async list() {
      const out = new Map<number, ProcessEntry>();
      for (const s of readAllStats().values()) {
        out.set(s.pid, { pid: s.pid, ppid: s.ppid, state: s.state, cpuSeconds: s.cpuTicks / CLOCK_TICKS, rssBytes: s.rssPages * PAGE_SIZE });
      }
      return out;
    },
    async withEnv(name, value) {
      return processesWithEnv(name, value);
    },
    async identify(pid) {
      return identifyByProc(pid);
    },
  };
}
