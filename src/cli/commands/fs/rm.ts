import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { EntryInfo } from '../../../client/filesystem.js';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { UsageError } from '../../errors.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { success } from '../../output.js';
import { fsCall } from './shared.js';

export function rmCommand(ctx: Context, run = runRm): CommandUnknownOpts {
  return new Command('rm')
    .description('Remove files (and, with -r, folders) in a sandbox')
    .argument('<locations...>', 'SANDBOX:PATH ...')
    .option('-r, --recursive', 'remove folders and everything in them', false)
    .option('-f, --force', 'no error when a path does not exist', false)
    .addOption(userOption('sandbox user (decides relative paths and ~)'))
    .action(async (locations: string[], o) =>
      run(
        { locations: locations.map((l) => parseSandboxLocation(l, 'fs rm')), recursive: o.recursive, force: o.force, ...(o.user ? { user: o.user } : {}) },
        ctx,
      ),
    );
}

export async function runRm(
  opts: { locations: Array<{ sandboxId: string; path: string }>; recursive: boolean; force: boolean; user?: string },
  ctx: Context,
): Promise<void> {
  const { FileNotFoundError } = await ctx.client();
  for (const location of opts.locations) {
    const sandbox = await ctx.sandbox(location.sandboxId);
    let info: EntryInfo;
    try {
      info = await sandbox.files.getInfo(location.path, fsCall(ctx, opts.user));
    } catch (error) {
      if (error instanceof FileNotFoundError && opts.force) continue;
      throw error;
    }
    // as GNU rm does: removing / would take the whole sandbox filesystem with it, and is never meant
    if (info.path === '/') throw new UsageError(`refusing to remove ${location.sandboxId}:/ (the whole filesystem); name what is under it`);
    if (info.type === 'dir' && !info.symlinkTarget && !opts.recursive) {
      throw new UsageError(`${location.sandboxId}:${info.path} is a folder; add -r to remove it and its contents`);
    }
    await sandbox.files.remove(location.path, fsCall(ctx, opts.user));
    success(ctx, `Removed ${location.sandboxId}:${info.path}`);
  }
}
