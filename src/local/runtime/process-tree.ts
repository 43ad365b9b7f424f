/**
 * The process-tree seam: which backend tells the local backend about the host's processes
 * (/proc on Linux, `ps` on macOS and wherever /proc is missing, taskkill on Windows), and the
 * operations on a sandbox's tree built on any of them: find it, kill it, stop and continue it
 * (pause where no cgroup freezer exists).
 *
 * `E2B_TS_PROCESS_TREE=proc|ps` forces a backend (the `ps` one runs on Linux too); forcing
 * /proc where it is not mounted is an error rather than a silent switch.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessEntry, ProcessTree } from './process-tree-types.js';
import { createProcTree } from './proctree.js';
import { createPsTree } from './ps-tree.js';
import { createTaskkillTree } from './taskkill-tree.js';

export type { ProcessEntry, ProcessIdentity, ProcessTree } from './process-tree-types.js';

/** What the choice of backend depends on. */
export interface ProcessTreeHost {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** Whether /proc is mounted (`/proc/self/stat` exists). */
  procMounted: boolean;
}

/** The backend for a host; throws on a forced choice that cannot work. */
export function selectProcessTree(host: ProcessTreeHost): ProcessTree {
  const forced = host.env.E2B_TS_PROCESS_TREE || undefined;
  if (forced !== undefined && forced !== 'proc' && forced !== 'ps') {
    throw new Error(`E2B_TS_PROCESS_TREE must be proc or ps, not ${JSON.stringify(forced)}`);
  }
  if (forced === 'proc' && !host.procMounted) throw new Error('E2B_TS_PROCESS_TREE=proc, but /proc is not mounted here');
  if (forced === 'proc') return createProcTree();
  const flavour = host.platform === 'linux' ? 'procps' : 'bsd';
  if (forced === 'ps') return createPsTree({ flavour });
  if (host.platform === 'win32') return createTaskkillTree();
  if (host.platform === 'linux' && host.procMounted) return createProcTree();
  return createPsTree({ flavour });
}

let chosen: ProcessTree | undefined;

/** This machine's backend, chosen on first use from the platform, /proc and the environment. */
export function processTree(): ProcessTree {
  chosen ??= selectProcessTree({ platform: process.platform, env: process.env, procMounted: existsSync('/proc/self/stat') });
  return chosen;
}

/** The root and all its descendants in a listing, parents before children; empty when the root is not in it. */
export function descendants(root: number, all: Map<number, ProcessEntry>): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of all.values()) {
    const list = children.get(entry.ppid);
    if (list) list.push(entry);
    else children.set(entry.ppid, [entry]);
  }
  const first = all.get(root);
  if (!first) return [];
  const out: ProcessEntry[] = [first];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!.pid) ?? []).filter((c) => c.pid !== c.ppid));
  return out;
}

/** The tree under `root` now. */
export async function treeOf(root: number, tree: ProcessTree = processTree()): Promise<ProcessEntry[]> {
  return descendants(root, await tree.list());
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

function signal(pids: Iterable<number>, name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // exited meanwhile
    }
  }
}

/** States of a process that neither runs nor will: stopped, zombie, dead. */
const NOT_RUNNING = /^[TtZX]$/;
/** Rounds of SIGSTOP {@link stopTree} gives a tree to settle (each lists it again). */
const STOP_ROUNDS = 40;

/**
 * Stops every process of the tree under `root` with SIGSTOP, and checks that it did: the tree is
 * listed again until no member runs (children forked meanwhile are stopped in the next round).
 * Rejects when the root is not found or a member keeps running, so a pause never reports
 * processes as stopped that are not.
 */
export async function stopTree(root: number, tree: ProcessTree = processTree(), rounds = STOP_ROUNDS): Promise<void> {
  let running: ProcessEntry[] = [];
  for (let round = 0; round < rounds; round++) {
    const members = await treeOf(root, tree);
    if (members.length === 0) {
      if (round === 0) throw new Error(`no process of the sandbox was found to stop (pid ${root}, through ${tree.name})`);
      // the whole tree ended meanwhile: nothing runs
      return;
    }
    running = members.filter((p) => !NOT_RUNNING.test(p.state));
    if (running.length === 0) return;
    signal(
      running.map((p) => p.pid),
      'SIGSTOP',
    );
    await sleep(round < 5 ? 2 : 10);
  }
  throw new Error(`could not stop every process of the sandbox: ${running.length} still running after SIGSTOP (pids ${running.map((p) => p.pid).join(', ')})`);
}

/** SIGCONT to every process of the tree under `root` (what {@link stopTree} stopped). */
export async function continueTree(root: number, tree: ProcessTree = processTree()): Promise<void> {
  signal(
    (await treeOf(root, tree)).map((p) => p.pid),
    'SIGCONT',
  );
}

/**
 * Kills the tree under `root`: the backend's own call where it has one (taskkill /T), else the
 * tree is stopped first, so no member forks a child between the listing and the kill, and then
 * SIGKILLed until none is left.
 */
export async function killTree(root: number, tree: ProcessTree = processTree()): Promise<void> {
  if (tree.killTree) return tree.killTree(root);
  await stopTree(root, tree, 10).catch(() => {});
  for (let round = 0; round < 20; round++) {
    const members = await treeOf(root, tree).catch(() => []);
    if (members.length === 0) return;
    signal(
      members.map((p) => p.pid),
      'SIGKILL',
    );
    await sleep(round === 0 ? 5 : 20);
  }
}

/**
 * Kills every process of this user carrying `NAME=value` in its environment, until none is left:
 * what a sandbox without a cgroup started and then moved out of its tree (`setsid` and a second
 * fork reparent a daemon to init or a subreaper).
 */
export async function killWithEnv(name: string, value: string, tree: ProcessTree = processTree()): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const pids = await tree.withEnv(name, value).catch(() => []);
    if (pids.length === 0) return;
    signal(pids, 'SIGKILL');
    await sleep(round === 0 ? 5 : 20);
  }
}
