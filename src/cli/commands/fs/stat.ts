import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { printDetails, printJson } from '../../output.js';
import { formatBytes } from '../../render/format.js';
import { sanitize } from '../../render/sanitize.js';
import { fsCall } from './shared.js';

export function statCommand(ctx: Context, run = runStat): CommandUnknownOpts {
  return new Command('stat')
    .description('Show a file or folder in a sandbox')
    .argument('<location>', 'SANDBOX:PATH')
    .addOption(userOption('sandbox user (decides relative paths and ~)'))
    .action(async (location: string, o) => run({ ...parseSandboxLocation(location, 'fs stat'), ...(o.user ? { user: o.user } : {}) }, ctx));
}

export async function runStat(opts: { sandboxId: string; path: string; user?: string }, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const info = await sandbox.files.getInfo(opts.path, fsCall(ctx, opts.user));
  if (ctx.globals.json) {
    printJson(ctx, info);
    return;
  }
  const tty = ctx.io.isStdoutTTY;
  const pairs: Array<[string, string]> = [
    ['path', sanitize(info.path)],
    ['type', info.type ?? 'unknown'],
    ['size', tty ? `${formatBytes(info.size)} (${info.size} bytes)` : String(info.size)],
    ['mode', `${info.permissions} (${info.mode.toString(8).padStart(4, '0')})`],
    ['owner', `${sanitize(info.owner)}:${sanitize(info.group)}`],
    ['modified', info.modifiedTime?.toISOString() ?? '-'],
  ];
  if (info.symlinkTarget && info.symlinkTarget !== info.path) pairs.push(['target', sanitize(info.symlinkTarget)]);
  for (const [key, value] of Object.entries(info.metadata ?? {})) pairs.push([`metadata.${sanitize(key)}`, sanitize(value)]);
  printDetails(ctx, pairs);
}
