/**
 * A transfer progress line on stderr (bytes, rate, ETA), redrawn in place at most ten times a
 * second, and only on a terminal: piped or --json runs stay silent.
 */
import type { Context } from '../context.js';
import { formatBytes, formatDuration } from '../render/format.js';
import { escapeControls } from '../render/sanitize.js';

export interface Progress {
  add(bytes: number): void;
  /** Sets how many bytes are through (for callers that count them themselves). */
  at(bytes: number): void;
  setTotal(bytes: number): void;
  /** Clears the line. */
  done(): void;
}

const SILENT: Progress = { add() {}, at() {}, setTotal() {}, done() {} };

/** The text of a progress line (pure, for tests). */
export function progressLine(label: string, done: number, total: number | undefined, elapsedMs: number, width = 80): string {
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const parts = [total !== undefined ? `${formatBytes(done)} / ${formatBytes(total)}` : formatBytes(done), `${formatBytes(Math.round(rate))}/s`];
  if (total !== undefined && total > 0) {
    const pct = Math.min(100, Math.floor((done / total) * 100));
    parts.unshift(`${String(pct).padStart(3)}%`);
    if (rate > 0 && done < total) parts.push(`ETA ${formatDuration(((total - done) / rate) * 1000)}`);
  }
  // the label names files, some of them the sandbox's
  const text = `${escapeControls(label)}  ${parts.join('  ')}`;
  return text.length > width - 1 ? text.slice(0, width - 1) : text;
}

export function createProgress(ctx: Context, label: string, total?: number): Progress {
  if (!ctx.io.isStderrTTY || ctx.globals.json) return SILENT;
  const started = Date.now();
  let done = 0;
  let sum = total;
  let last = 0;
  let shown = false;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    shown = true;
    ctx.io.stderr.write(`\r\x1b[2K${progressLine(label, done, sum, now - started, ctx.io.stderr.columns ?? 80)}`);
  };
  return {
    add(bytes) {
      done += bytes;
      draw();
    },
    at(bytes) {
      done = bytes;
      draw();
    },
    setTotal(bytes) {
      sum = bytes;
    },
    done() {
      if (shown) ctx.io.stderr.write('\r\x1b[2K');
    },
  };
}
