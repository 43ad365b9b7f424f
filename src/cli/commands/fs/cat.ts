import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { fsCall } from './shared.js';

export function catCommand(ctx: Context, run = runCat): CommandUnknownOpts {
  return new Command('cat')
    .description("Write a sandbox file's bytes to stdout")
    .argument('<location>', 'SANDBOX:PATH')
    .addOption(userOption('sandbox user (decides relative paths and ~)'))
    .action(async (location: string, o) => run({ ...parseSandboxLocation(location, 'fs cat'), ...(o.user ? { user: o.user } : {}) }, ctx));
}

export async function runCat(opts: { sandboxId: string; path: string; user?: string }, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const body = await sandbox.files.readStream(opts.path, fsCall(ctx, opts.user));
  // loaded here, not at start-up: every CLI run pays for what the entry module imports
  const { pipeline } = await import('node:stream/promises');
  await pipeline(body, ctx.io.stdout, { end: false });
}
