/**
 * Writing data to stdout in the three shapes of design.md: a table/details on a terminal,
 * tab-separated rows when piped, JSON with --json (NDJSON for streams).
 */
import type { Context } from './context.js';
import { escapeControls } from './render/sanitize.js';
import { renderDetails, renderTable } from './render/table.js';

/** JSON of library objects: Dates as ISO strings, no functions. */
export function toJson(value: unknown, pretty: boolean): string {
  return JSON.stringify(value, null, pretty ? 2 : undefined);
}

/** One JSON document (pretty on a terminal). */
export function printJson(ctx: Context, value: unknown): void {
  ctx.io.stdout.write(`${toJson(value, ctx.io.isStdoutTTY)}\n`);
}

/** One line of NDJSON (streams: logs -f, metrics -f, watches). */
export function printJsonLine(ctx: Context, value: unknown): void {
  ctx.io.stdout.write(`${toJson(value, false)}\n`);
}

export function printTable(ctx: Context, header: string[], rows: string[][]): void {
  ctx.io.stdout.write(renderTable(header, rows, { tty: ctx.io.isStdoutTTY, color: ctx.io.color, ...widthOf(ctx) }));
}

export function printDetails(ctx: Context, pairs: Array<[string, string]>): void {
  ctx.io.stdout.write(renderDetails(pairs, { tty: ctx.io.isStdoutTTY, color: ctx.io.color }));
}

function widthOf(ctx: Context): { width?: number } {
  const width = ctx.io.terminalWidth();
  return width ? { width } : {};
}

/** A confirmation line for people ("✓ Killed sandbox x"), on stderr, only on a terminal. */
export function success(ctx: Context, message: string): void {
  if (!ctx.io.isStderrTTY) return;
  const mark = ctx.io.colorEnabled ? ctx.io.color.green('✓') : '✓';
  // paths and names in it may come from the sandbox (`Wrote <path>` is envd's answer)
  ctx.io.stderr.write(`${mark} ${escapeControls(message)}\n`);
}
