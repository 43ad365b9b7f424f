import type { EntryInfo } from '../../../client/filesystem.js';
import type { Context } from '../../context.js';
import { formatBytes } from '../../render/format.js';
import { sanitize } from '../../render/sanitize.js';

/** Call options of fs commands: the user (when given) and the interrupt signal. */
export function fsCall(ctx: Context, user: string | undefined): { user?: string; signal: AbortSignal } {
  return { ...(user ? { user } : {}), signal: ctx.signal };
}

/** `ls -l` style rows of entries (human sizes and times on a terminal, raw values when piped). */
export function entryRows(entries: EntryInfo[], opts: { tty: boolean; long: boolean }): string[][] {
  return entries.map((e) => {
    const name = sanitize(e.path) + (e.symlinkTarget && e.symlinkTarget !== e.path ? ` -> ${sanitize(e.symlinkTarget)}` : '');
    if (!opts.long) return [name];
    return [
      e.permissions,
      sanitize(e.owner),
      sanitize(e.group),
      opts.tty ? formatBytes(e.size) : String(e.size),
      e.modifiedTime ? e.modifiedTime.toISOString() : '-',
      name,
    ];
  });
}
