/**
 * Tables. On a terminal: aligned columns under a bold header, cells cut to fit the width. When
 * piped: tab-separated rows with no header, color or truncation, so `cut -f1` works (gh style).
 */
import type { Colors } from './colors.js';

export interface TableOptions {
  /** Terminal output (aligned, header) or not (TSV). */
  tty: boolean;
  color: Colors;
  /** Terminal width; the widest column is cut to fit. */
  width?: number;
}

/** Display width of a string, ignoring color codes. */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`;
}

/** Renders rows; each row must have as many cells as the header. */
export function renderTable(header: string[], rows: string[][], opts: TableOptions): string {
  if (!opts.tty) return rows.map((row) => `${row.map((c) => c.replace(/[\t\n]/g, ' ')).join('\t')}\n`).join('');
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const gap = 2;
  if (opts.width) {
    const total = widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
    if (total > opts.width) {
      const widest = widths.indexOf(Math.max(...widths));
      widths[widest] = Math.max(8, widths[widest] - (total - opts.width));
    }
  }
  const line = (cells: string[], style?: (s: string) => string) =>
    cells
      .map((cell, i) => {
        const cut = visibleLength(cell) > widths[i] ? truncate(cell, widths[i]) : cell;
        const padded = i === cells.length - 1 ? cut : cut + ' '.repeat(widths[i] - visibleLength(cut) + gap);
        return style ? style(padded) : padded;
      })
      .join('')
      .trimEnd();
  return [line(header, opts.color.bold), ...rows.map((r) => line(r))].map((l) => `${l}\n`).join('');
}

/** Key/value details: `key: value` lines on a terminal, `key<TAB>value` when piped. */
export function renderDetails(pairs: Array<[string, string]>, opts: TableOptions): string {
  if (!opts.tty) return pairs.map(([k, v]) => `${k}\t${v.replace(/[\t\n]/g, ' ')}\n`).join('');
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${opts.color.dim(`${k}:`.padEnd(width + 1))} ${v}\n`).join('');
}
