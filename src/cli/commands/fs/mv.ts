import { posix } from 'node:path';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Sandbox } from '../../../client/sandbox.js';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { UsageError } from '../../errors.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { printJson, success } from '../../output.js';
import { fsCall } from './shared.js';

export function mvCommand(ctx: Context, run = runMv): CommandUnknownOpts {
  return new Command('mv')
    .description('Move or rename a file or folder within a sandbox (into DESTINATION when it is a folder or ends with /)')
    .argument('<source>', 'SANDBOX:PATH')
    .argument('<destination>', 'SANDBOX:PATH (or just a path in the same sandbox)')
    .addOption(userOption('sandbox user (decides relative paths and ~)'))
    .action(async (source: string, destination: string, o) => {
      const from = parseSandboxLocation(source, 'fs mv');
      const to = destination.includes(':') ? parseSandboxLocation(destination, 'fs mv') : { sandboxId: from.sandboxId, path: destination };
      if (to.sandboxId !== from.sandboxId) throw new UsageError('fs mv works within one sandbox; use fs cp between sandboxes');
      await run({ sandboxId: from.sandboxId, from: from.path, to: to.path, ...(o.user ? { user: o.user } : {}) }, ctx);
    });
}

export async function runMv(opts: { sandboxId: string; from: string; to: string; user?: string }, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const call = fsCall(ctx, opts.user);
  const info = await sandbox.files.rename(opts.from, await destinationOf(sandbox, opts.from, opts.to, call), call);
  if (ctx.globals.json) printJson(ctx, info);
  else success(ctx, `Moved to ${info.path}`);
}

/**
 * Where the source lands, as mv(1) decides: inside the destination when that is an existing
 * folder or is written with a trailing slash (a missing one is created), else at it.
 */
async function destinationOf(sandbox: Sandbox, from: string, to: string, call: { user?: string; signal: AbortSignal }): Promise<string> {
  const name = posix.basename(from);
  if (to.endsWith('/')) return posix.join(to, name);
  try {
    const info = await sandbox.files.getInfo(to, call);
    return info.type === 'dir' ? posix.join(info.path, name) : to;
  } catch (error) {
    if ((error as { name?: string }).name === 'FileNotFoundError') return to;
    throw error;
  }
}
