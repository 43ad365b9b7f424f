/**
 * Resource metrics of sandboxes, read from the host's /proc (CPU and memory of the sandbox's
 * process tree) and from the sandbox's files folder (disk), sampled periodically so a metrics
 * query can return a time series as E2B's does.
 */
import { lstat } from 'node:fs/promises';
import { holdDir, type HeldDir } from '../nofollow.js';
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
    const tree = descendants(target.rootPid, stats);
    const ticks = tree.reduce((sum, p) => sum + p.cpuTicks, 0);
    const rss = tree.reduce((sum, p) => sum + p.rssPages, 0) * PAGE_SIZE;
    const now = Date.now();
    const sinceMs = series.lastAt !== undefined ? now - series.lastAt : now - target.startedAtMs;
    const deltaTicks = series.lastTicks !== undefined ? Math.max(0, ticks - series.lastTicks) : ticks;
    const cpuSeconds = deltaTicks / CLOCK_TICKS;
    const pct = sinceMs > 0 ? (cpuSeconds / (sinceMs / 1000) / target.cpuCount) * 100 : 0;
    series.lastTicks = ticks;
    series.lastAt = now;
    this.refreshDisk(series, target.filesDir);
    const sample: MetricSample = {
      timestampUnix: Math.floor(now / 1000),
      cpuCount: target.cpuCount,
      cpuUsedPct: Math.round(Math.min(100, Math.max(0, pct)) * 100) / 100,
      memUsed: rss,
      memTotal: target.memoryMB * 1024 * 1024,
      memCache: 0,
      diskUsed: series.disk?.bytes ?? 0,
      diskTotal: target.diskSizeMB * 1024 * 1024,
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
