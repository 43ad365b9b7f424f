/**
 * Resource metrics of sandboxes, sampled periodically so a metrics query can return a time series
 * as E2B's does. They come from the same places the limits are enforced: CPU time, memory in use
 * and the memory limit from the sandbox's cgroup (runtime/cgroup.ts), used and total disk from
 * its disk's file system (runtime/disk.ts). Where a sandbox has no cgroup or disk of its own,
 * CPU and memory are summed over its process tree as the platform's process-tree backend reports
 * it (/proc, or `ps`: runtime/process-tree.ts), and disk use is a walk of its files folder, with
 * the template's sizes as totals.
 */
import { lstat } from 'node:fs/promises';
import { holdDir, type HeldDir } from '../nofollow.js';
import type { CgroupUsage } from '../runtime/cgroup.js';
import type { DiskStats } from '../runtime/disk.js';
import { descendants, processTree, type ProcessEntry, type ProcessTree } from '../runtime/process-tree.js';

/** Seconds between samples. @default 5, E2B's own sampling interval. */
export const METRICS_INTERVAL_MS = 5_000;
/** Samples kept per sandbox: one hour at the default interval. */
const KEEP = 720;
/** Disk usage is a walk of the files; it is refreshed at most this often. */
const DISK_REFRESH_MS = 30_000;

export interface MetricSample {
  timestampUnix: number;
  cpuCount: number;
  cpuUsedPct: number;
  memUsed: number;
  memTotal: number;
  memCache: number;
  diskUsed: number;
  diskTotal: number;
}

/**
 * Bytes used by a folder tree (allocated blocks, as `du`), walking at most `limit` entries. The
 * tree belongs to a running sandbox, so folders are held open while walked (nofollow.ts): a
 * symlink swapped in for a folder cannot send the walk across the host.
 */
export async function diskUsage(root: string, limit = 200_000): Promise<number> {
  let total = 0;
  let seen = 0;
  const walk = async (dir: HeldDir): Promise<void> => {
    for (const name of await dir.names().catch(() => [] as string[])) {
      if (++seen > limit) return;
      const path = dir.entry(name);
      const st = await lstat(path).catch(() => undefined);
      if (!st) continue; // vanished
      total += st.blocks !== undefined ? st.blocks * 512 : st.size;
      if (!st.isDirectory()) continue;
      let sub: HeldDir;
      try {
        sub = holdDir(path);
      } catch {
        continue;
      }
      try {
        await walk(sub);
      } finally {
        sub.close();
      }
    }
  };
  let top: HeldDir;
  try {
    top = holdDir(root);
  } catch {
    return 0;
  }
  try {
    await walk(top);
  } finally {
    top.close();
  }
  return total;
}

interface Series {
  samples: MetricSample[];
  /** CPU seconds of the process tree at the last sample. */
  lastCpuSeconds?: number;
  /** CPU time of the cgroup at the last sample (µs). */
  lastCpuUsec?: number;
  lastAt?: number;
  disk?: { bytes: number; at: number; pending?: Promise<void> };
}

/** What the sampler needs to know about a sandbox. */
export interface MetricsTarget {
  rootPid: number;
  cpuCount: number;
  memoryMB: number;
  diskSizeMB: number;
  filesDir: string;
  startedAtMs: number;
  /** Usage from the sandbox's cgroup (undefined, or fields missing, where it has none). */
  usage?: () => CgroupUsage | undefined;
  /** Used and total bytes of the sandbox's own disk (undefined where it has none). */
  disk?: () => DiskStats | undefined;
}

/** Whether a cgroup's usage has what a sample needs (else the process tree is summed). */
function fromCgroup(usage: CgroupUsage | undefined): boolean {
  return usage?.cpuUsec !== undefined && usage.memoryBytes !== undefined;
}

export class MetricsStore {
  private readonly series = new Map<string, Series>();

  /** @param tree where process trees are read when a sandbox has no cgroup (default: this machine's backend) */
  constructor(private readonly tree?: ProcessTree) {}

  private list(): Promise<Map<number, ProcessEntry>> {
    // a listing that fails (no `ps`) reads as no processes: the sample says 0 rather than none
    return (this.tree ?? processTree()).list().catch(() => new Map<number, ProcessEntry>());
  }

  /** Takes one sample of each running sandbox (one listing of the host's processes for all of them). */
  async sampleAll(targets: Map<string, MetricsTarget>): Promise<void> {
    if (targets.size === 0) return;
    const needsTree = [...targets.values()].some((t) => !fromCgroup(t.usage?.()));
    const all = needsTree ? await this.list() : new Map<number, ProcessEntry>();
    for (const [id, target] of targets) await this.sampleOne(id, target, all);
  }

  async sampleOne(id: string, target: MetricsTarget, all?: Map<number, ProcessEntry>): Promise<MetricSample> {
    const cgroup = target.usage?.();
    const tree = fromCgroup(cgroup) ? [] : descendants(target.rootPid, all ?? (await this.list()));
    const series = this.series.get(id) ?? { samples: [] };
    this.series.set(id, series);
    const now = Date.now();
    const sinceMs = series.lastAt !== undefined ? now - series.lastAt : now - target.startedAtMs;
    let cpuSeconds: number;
    if (cgroup?.cpuUsec !== undefined) {
      cpuSeconds = (series.lastCpuUsec !== undefined ? Math.max(0, cgroup.cpuUsec - series.lastCpuUsec) : cgroup.cpuUsec) / 1e6;
      series.lastCpuUsec = cgroup.cpuUsec;
    } else {
      const total = tree.reduce((sum, p) => sum + p.cpuSeconds, 0);
      cpuSeconds = series.lastCpuSeconds !== undefined ? Math.max(0, total - series.lastCpuSeconds) : total;
      series.lastCpuSeconds = total;
    }
    const pct = sinceMs > 0 ? (cpuSeconds / (sinceMs / 1000) / target.cpuCount) * 100 : 0;
    series.lastAt = now;
    // A disk of its own answers at once (statfs); otherwise the files are walked now and then.
    const disk = target.disk?.();
    if (!disk) this.refreshDisk(series, target.filesDir);
    const sample: MetricSample = {
      timestampUnix: Math.floor(now / 1000),
      cpuCount: target.cpuCount,
      cpuUsedPct: Math.round(Math.min(100, Math.max(0, pct)) * 100) / 100,
      memUsed: cgroup?.memoryBytes ?? tree.reduce((sum, p) => sum + p.rssBytes, 0),
      memTotal: cgroup?.memoryLimit ?? target.memoryMB * 1024 * 1024,
      memCache: cgroup?.cacheBytes ?? 0,
      diskUsed: disk?.used ?? series.disk?.bytes ?? 0,
      diskTotal: disk?.total ?? target.diskSizeMB * 1024 * 1024,
    };
    series.samples.push(sample);
    if (series.samples.length > KEEP) series.samples.shift();
    return sample;
  }

  private refreshDisk(series: Series, filesDir: string): void {
    const now = Date.now();
    if (series.disk?.pending || (series.disk && now - series.disk.at < DISK_REFRESH_MS)) return;
    const previous = series.disk?.bytes ?? 0;
    const entry: { bytes: number; at: number; pending?: Promise<void> } = { bytes: previous, at: now };
    entry.pending = diskUsage(filesDir).then((bytes) => {
      entry.bytes = bytes;
      delete entry.pending;
    });
    series.disk = entry;
  }

  /** Waits for a pending disk walk and puts its result into the latest sample. */
  async settle(id: string): Promise<void> {
    const series = this.series.get(id);
    await series?.disk?.pending;
    const latest = series?.samples[series.samples.length - 1];
    if (latest && series?.disk) latest.diskUsed = series.disk.bytes;
  }

  /** Samples between two unix times (inclusive). */
  range(id: string, startUnix: number, endUnix: number): MetricSample[] {
    return (this.series.get(id)?.samples ?? []).filter((s) => s.timestampUnix >= startUnix && s.timestampUnix <= endUnix);
  }

  latest(id: string): MetricSample | undefined {
    const samples = this.series.get(id)?.samples;
    return samples?.[samples.length - 1];
  }

  forget(id: string): void {
    this.series.delete(id);
  }
}
