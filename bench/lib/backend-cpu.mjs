/**
 * CPU the local backend spends (Linux /proc; unavailable elsewhere): the daemon itself and
 * everything under it, i.e. the sandboxes' envd processes and the commands they run (children
 * reaped since count through their parent's cutime/cstime).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { median } from './stats.mjs';

let clockTicks;
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** { ppid, ms: utime+stime+cutime+cstime in ms } of a process, or undefined. */
function procTimes(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may contain spaces) in parentheses.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return { ppid: Number(f[1]), ms: (ticks * 1000) / ticksPerSecond() };
}

/**
 * CPU time of the daemon itself and of everything under it (the sandboxes' envd processes and
 * the commands they run; children reaped since count through their parent's cutime/cstime).
 * Returns undefined where /proc is missing.
 */
function backendCpu(daemonPid) {
  const own = procTimes(daemonPid);
  if (!own) return undefined;
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const t = procTimes(entry);
    if (!t) continue;
    if (!children.has(t.ppid)) children.set(t.ppid, []);
    children.get(t.ppid).push({ pid: Number(entry), ms: t.ms });
  }
  let below = 0;
  const stack = [...(children.get(daemonPid) ?? [])];
  while (stack.length) {
    const p = stack.pop();
    below += p.ms;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return { daemonMs: own.ms, sandboxMs: below };
}

/**
 * Attributes backend CPU to the run that just ended: call mark() before measuring starts, then
 * take(key) after every run (rows run strictly one after another).
 */
export function cpuTracker(daemonPid) {
  let last = backendCpu(daemonPid);
  const per = new Map();
  return {
    available: last !== undefined,
    mark() {
      last = backendCpu(daemonPid);
    },
    take(key) {
      const now = backendCpu(daemonPid);
      if (!now || !last) return;
      if (!per.has(key)) per.set(key, { daemon: [], sandbox: [] });
      per.get(key).daemon.push(now.daemonMs - last.daemonMs);
      per.get(key).sandbox.push(now.sandboxMs - last.sandboxMs);
      last = now;
    },
    median(key, which) {
      const s = per.get(key)?.[which];
      return s?.length ? median(s) : NaN;
    },
  };
}
