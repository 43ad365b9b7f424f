import { Command } from 'commander';
import type { Context } from '../../context.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { printJson, printTable } from '../../output.js';
import { parseInteger } from '../../parse.js';
import { entryRows, fsCall, fsSandbox } from './shared.js';

export interface LsOptions {
  sandboxId: string;
  path: string;
  long: boolean;
  depth: number;
  user?: string;
}

export function lsCommand(ctx: Context, run = runLs): Command {
  return new Command('ls')
    .description('List a folder in a sandbox')
    .argument('<location>', 'SANDBOX:PATH')
    .option('-l, --long', 'show permissions, owner, size and time', false)
    .option('--depth <n>', 'descend this many levels', '1')
    .option('--user <user>', 'sandbox user (decides relative paths and ~)')
    .action(async (location: string, o) => {
      const { sandboxId, path } = parseSandboxLocation(location, 'fs ls');
      await run({ sandboxId, path, long: o.long, depth: parseInteger(o.depth, '--depth', 1, 64), ...(o.user ? { user: o.user } : {}) }, ctx);
    });
}

export async function runLs(opts: LsOptions, ctx: Context): Promise<void> {
  const sandbox = await fsSandbox(ctx, opts.sandboxId);
  const entries = await sandbox.files.list(opts.path, { ...fsCall(ctx, opts.user), depth: opts.depth });
  if (ctx.globals.json) {
    printJson(ctx, entries);
    return;
  }
  const rows = entryRows(entries, { tty: ctx.io.isStdoutTTY, long: opts.long });
  if (opts.long) printTable(ctx, ['MODE', 'OWNER', 'GROUP', 'SIZE', 'MODIFIED', 'PATH'], rows);
  else ctx.io.stdout.write(rows.map((r) => `${r[0]}\n`).join(''));
}
