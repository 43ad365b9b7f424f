/**
 * What the local backend needs to know about the host's processes, whichever way the platform
 * tells it: /proc on Linux (proctree.ts), `ps` on macOS and wherever /proc is missing
 * (ps-tree.ts), `taskkill` on Windows (taskkill-tree.ts). The operations on a sandbox's tree
 * built on these (kill, stop, continue) are in process-tree.ts.
 */

/** One process as a backend reports it. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  /**
   * The state letter (the first of `ps`'s STAT): `R` running, `S`/`I` sleeping or idle, `D`/`U`
   * uninterruptible, `T`/`t` stopped, `Z` zombie, `X` dead.
   */
  state: string;
  /** User + system CPU time, in seconds. */
  cpuSeconds: number;
  /** Resident memory, in bytes. */
  rssBytes: number;
}

/** Who a process is, beyond its pid (pids are reused; start time and boot are not). */
export interface ProcessIdentity {
  pid: number;
  /**
   * When the process started, in the backend's unit: clock ticks after boot (/proc/<pid>/stat,
   * field 22), or seconds since the epoch (`ps -o lstart`).
   */
  startTicks: number;
  /**
   * /proc/sys/kernel/random/boot_id for a start in ticks (meaningless after a reboot); `ps-lstart`
   * for a wall-clock start, which no reboot repeats. Identities from different backends never
   * match, so a process is then left alone rather than taken for another.
   */
  bootId: string;
}

/** How the local backend sees and signals the host's processes. */
export interface ProcessTree {
  /** `proc`, `ps` or `taskkill`: shown by `local status` and the daemon's log. */
  readonly name: string;
  /** Every process this user can see, by pid. Rejects when the backend cannot list at all. */
  list(): Promise<Map<number, ProcessEntry>>;
  /**
   * Processes of this user, other than this one, whose environment holds `NAME=value` (the
   * marker the unisolated runtime gives every process of a sandbox); none where environments
   * cannot be read.
   */
  withEnv(name: string, value: string): Promise<number[]>;
  /** The identity of a live process; undefined when it is gone or the backend cannot tell. */
  identify(pid: number): Promise<ProcessIdentity | undefined>;
  /**
   * Kills a process and all its descendants at once, where the platform has a call for it
   * (Windows' `taskkill /T /F`); elsewhere process-tree.ts walks the tree with signals.
   */
  killTree?(pid: number): Promise<void>;
}
