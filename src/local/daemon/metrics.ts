/**
 * Resource metrics of sandboxes, sampled periodically so a metrics query can return a time series
 * as E2B's does. They come from the same places the limits are enforced: CPU time, memory in use
 * and the memory limit from the sandbox's cgroup (runtime/cgroup.ts), used and total disk from
 * its disk's file system (runtime/disk.ts). Where a sandbox has no cgroup or disk of its own,
 * CPU and memory are summed over its process tree in the host's /proc, and disk use is a walk of
 * its files folder, with the template's sizes as totals.
 */
import { lstat } from 'node:fs/promises';
import { holdDir, type HeldDir } from '../nofollow.js';
import type { CgroupUsage } from '../runtime/cgroup.js';
import type { DiskStats } from '../runtime/disk.js';
import { descendants, readAllStats, type ProcStat } from '../runtime/proctree.js';

/** Seconds between samples. @default 5, E2B's own sampling interval. */
export const METRICS_INTERVAL_MS = 5_000;
/** Samples kept per sandbox: one hour at the default interval. */
const KEEP = 720;
/** Disk usage is a walk of the files; it is refreshed at most this often. */
const DISK_REFRESH_MS = 30_000;
const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

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
  lastTicks?: number;
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

export class MetricsStore {
  private readonly series = new Map<string, Series>();

  /** Takes one sample of each running sandbox (one /proc scan for all of them). */
  sampleAll(targets: Map<string, MetricsTarget>): void {
    if (targets.size === 0) return;
    const stats = readAllStats();
    for (const [id, target] of targets) this.sampleOne(id, target, stats);
  }

  sampleOne(id: string, target: MetricsTarget, stats: Map<number, ProcStat> = readAllStats()): MetricSample {
    const series = this.series.get(id) ?? { samples: [] };
    this.series.set(id, series);
    const cgroup = target.usage?.();
    const fromCgroup = cgroup?.cpuUsec !== undefined && cgroup.memoryBytes !== undefined;
    const tree = fromCgroup ? [] : descendants(target.rootPid, stats);
    const now = Date.now();
    const sinceMs = series.lastAt !== undefined ? now - series.lastAt : now - target.startedAtMs;
    let cpuSeconds: number;
    if (cgroup?.cpuUsec !== undefined) {
      cpuSeconds = (series.lastCpuUsec !== undefined ? Math.max(0, cgroup.cpuUsec - series.lastCpuUsec) : cgroup.cpuUsec) / 1e6;
      series.lastCpuUsec = cgroup.cpuUsec;
    } else {
      const ticks = tree.reduce((sum, p) => sum + p.cpuTicks, 0);
      cpuSeconds = (series.lastTicks !== undefined ? Math.max(0, ticks - series.lastTicks) : ticks) / CLOCK_TICKS;
      series.lastTicks = ticks;
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
      memUsed: cgroup?.memoryBytes ?? tree.reduce((sum, p) => sum + p.rssPages, 0) * PAGE_SIZE,
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
