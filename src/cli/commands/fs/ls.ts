import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { depthOption, userOption } from '../../flags.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { printJson, printTable } from '../../output.js';
import { entryRows, fsCall } from './shared.js';

export interface LsOptions {
  sandboxId: string;
  path: string;
  long: boolean;
  depth: number;
  user?: string;
}

export function lsCommand(ctx: Context, run = runLs): CommandUnknownOpts {
  return new Command('ls')
    .description('List a folder in a sandbox')
    .argument('<location>', 'SANDBOX:PATH')
    .option('-l, --long', 'show permissions, owner, size and time', false)
    .addOption(depthOption('descend this many levels'))
    .addOption(userOption('sandbox user (decides relative paths and ~)'))
    .action(async (location: string, o) => {
      const { sandboxId, path } = parseSandboxLocation(location, 'fs ls');
      await run({ sandboxId, path, long: o.long, depth: o.depth, ...(o.user ? { user: o.user } : {}) }, ctx);
    });
}

export async function runLs(opts: LsOptions, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const entries = await sandbox.files.list(opts.path, { ...fsCall(ctx, opts.user), depth: opts.depth });
  if (ctx.globals.json) {
    printJson(ctx, entries);
    return;
  }
  const rows = entryRows(entries, { tty: ctx.io.isStdoutTTY, long: opts.long });
  if (opts.long) printTable(ctx, ['MODE', 'OWNER', 'GROUP', 'SIZE', 'MODIFIED', 'PATH'], rows);
  else ctx.io.stdout.write(rows.map((r) => `${r[0]}\n`).join(''));
}
