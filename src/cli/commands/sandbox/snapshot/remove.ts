import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../../context.js';
import { SilentError } from '../../../errors.js';
import { ExitCode } from '../../../exit-codes.js';
import { printJson, success } from '../../../output.js';

export interface SnapshotRemoveOptions {
  snapshotIds: string[];
}

export function snapshotRemoveCommand(ctx: Context, run = runSnapshotRemove): CommandUnknownOpts {
  return new Command('rm')
    .alias('delete')
    .description('Delete snapshots')
    .argument('<ids...>', 'snapshot IDs or names')
    .action(async (ids: string[]) => run({ snapshotIds: ids }, ctx));
}

export async function runSnapshotRemove(opts: SnapshotRemoveOptions, ctx: Context): Promise<void> {
  const { Sandbox } = await ctx.client();
  const connection = await ctx.connection();
  const deleted: string[] = [];
  const notFound: string[] = [];
  for (const id of opts.snapshotIds) {
    if (await Sandbox.deleteSnapshot(id, { ...connection, signal: ctx.signal })) {
      deleted.push(id);
      success(ctx, `Deleted snapshot ${id}`);
    } else {
      notFound.push(id);
      if (!ctx.globals.json) ctx.io.stderr.write(`error: snapshot ${id} not found\n`);
    }
  }
  if (ctx.globals.json) printJson(ctx, { deleted, notFound });
  if (notFound.length) throw new SilentError(ExitCode.NOT_FOUND);
}
