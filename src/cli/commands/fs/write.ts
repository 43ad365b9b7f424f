import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { posix } from 'node:path';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { UsageError } from '../../errors.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { printJson, success } from '../../output.js';
import { fsCall } from './shared.js';

export function writeCommand(ctx: Context, run = runWrite): CommandUnknownOpts {
  return new Command('write')
    .description('Write stdin to a file in a sandbox (replaced whole when it exists; parents are created)')
    .argument('<location>', 'SANDBOX:PATH')
    .addOption(userOption('sandbox user that owns the file'))
    .addHelpText('after', '\nExamples:\n  $ echo "hello" | e2b-ts fs write "$id":/home/user/hello.txt\n  $ e2b-ts fs write "$id":data.bin < data.bin')
    .action(async (location: string, o) => run({ ...parseSandboxLocation(location, 'fs write'), ...(o.user ? { user: o.user } : {}) }, ctx));
}

export async function runWrite(opts: { sandboxId: string; path: string; user?: string }, ctx: Context): Promise<void> {
  if (ctx.io.isStdinTTY) throw new UsageError('stdin is a terminal; pipe the content in (e.g. `echo hi | e2b-ts fs write ID:/path`)');
  const sandbox = await ctx.sandbox(opts.sandboxId);
  // loaded here, not at start-up: every CLI run pays for what the entry module imports
  const [{ naming, tempName }, { Readable }] = await Promise.all([import('../../fs/temp-name.js'), import('node:stream')]);
  // Written under a temporary name and renamed, so an interrupted write leaves the old file intact.
  const tmp = posix.join(posix.dirname(opts.path), tempName(opts.path));
  try {
    await sandbox.files.write(tmp, Readable.from(ctx.io.stdin), fsCall(ctx, opts.user));
    const info = await sandbox.files.rename(tmp, opts.path, fsCall(ctx, opts.user));
    if (ctx.globals.json) printJson(ctx, info);
    else success(ctx, `Wrote ${info.path}`);
  } catch (error) {
    await sandbox.files.remove(tmp, opts.user ? { user: opts.user } : {}).catch(() => {});
    throw naming(error, tmp, opts.path);
  }
}
