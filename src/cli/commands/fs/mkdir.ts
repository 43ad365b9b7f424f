import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { printJson, success } from '../../output.js';
import { fsCall } from './shared.js';

export function mkdirCommand(ctx: Context, run = runMkdir): CommandUnknownOpts {
  return new Command('mkdir')
    .description('Create a folder (and its parents) in a sandbox')
    .argument('<location>', 'SANDBOX:PATH')
    .option('-p, --parents', 'no error when the folder already exists', false)
    .addOption(userOption('sandbox user that owns the folder'))
    .action(async (location: string, o) =>
      run({ ...parseSandboxLocation(location, 'fs mkdir'), parents: o.parents, ...(o.user ? { user: o.user } : {}) }, ctx),
    );
}

export async function runMkdir(opts: { sandboxId: string; path: string; parents: boolean; user?: string }, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const created = await sandbox.files.makeDir(opts.path, fsCall(ctx, opts.user));
  if (!created && !opts.parents) {
    const { InvalidArgumentError } = await ctx.client();
    throw new InvalidArgumentError(`${opts.sandboxId}:${opts.path} already exists (use -p to accept that)`);
  }
  if (ctx.globals.json) printJson(ctx, { path: opts.path, created });
  else if (created) success(ctx, `Created ${opts.sandboxId}:${opts.path}`);
}
