/** Human formats for terminals: sizes, durations, relative times, metadata. Pure functions. */
import { sanitize } from './sanitize.js';

/** Bytes as a short human size (1024-based): 512 B, 1.5 KiB, 20 MiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value >= 10 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** A duration in ms as the largest two units: 45s, 4m 10s, 2h 5m, 3d 1h. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return h ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

/** "5m ago" / "in 4m" relative to `now`. */
export function formatRelative(date: Date, now: number = Date.now()): string {
  const diff = date.getTime() - now;
  if (Math.abs(diff) < 1000) return 'now';
  return diff < 0 ? `${formatDuration(-diff)} ago` : `in ${formatDuration(diff)}`;
}

/** Metadata as `k=v,k2=v2`, sanitized. */
export function formatMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([k, v]) => `${sanitize(k)}=${sanitize(v)}`)
    .join(',');
}
