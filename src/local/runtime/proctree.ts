/**
 * Process-tree inspection through /proc (Linux). Used to find every process of a sandbox for
 * metrics, pausing and killing, without trusting the sandbox to report on itself.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Fields of /proc/<pid>/stat we use. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** User + system CPU time in clock ticks. */
  cpuTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text.slice(0, text.indexOf(' ')), 10);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rss = Number(rest[21]);
  if (![pid, ppid, utime, stime, rss].every(Number.isFinite)) return undefined;
  return { pid, ppid, cpuTicks: utime + stime, rssPages: rss };
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

/** The root and all its descendants, parents before children. */
export function descendants(root: number, stats: Map<number, ProcStat> = readAllStats()): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats.values()) {
    const list = children.get(stat.ppid);
    if (list) list.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const first = stats.get(root);
  if (!first) return [];
  const out: ProcStat[] = [first];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i].pid) ?? []));
  return out;
}

/** Whether a process exists (signal 0 probes without touching it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Processes of this user whose environment holds `NAME=value` (Linux; none elsewhere). A process
 * keeps the environment it started with whatever it does after (`setsid`, forking twice,
 * reparenting to init), so a marker variable follows every descendant that did not drop it.
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
